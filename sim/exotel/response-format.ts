import type { Response } from 'express';

/**
 * Exotel answers JSON when the resource path ends in `.json` and XML otherwise. The XML form wraps
 * the resource in `<TwilioResponse>`, the element name Exotel kept from its Twilio-compatible API.
 */
export type ResponseFormat = 'json' | 'xml';

/** Splits "abc.json" into its id and format. */
export function resourceRef(raw: string): { id: string; format: ResponseFormat } {
  return raw.endsWith('.json') ? { id: raw.slice(0, -'.json'.length), format: 'json' } : { id: raw, format: 'xml' };
}

export function sendResource(res: Response, format: ResponseFormat, status: number, body: object): void {
  if (format === 'json') {
    res.status(status).json(body);
    return;
  }
  res.status(status).type('application/xml').send(`<?xml version="1.0" encoding="UTF-8"?>\n<TwilioResponse>${toXml(body)}</TwilioResponse>\n`);
}

/** Array items are wrapped in the singular of their list's name: `<Legs><Leg>…</Leg></Legs>`. */
function toXml(value: unknown, listName = 'Item'): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) {
    const itemName = listName.replace(/s$/, '');
    return value.map((item) => `<${itemName}>${toXml(item)}</${itemName}>`).join('');
  }
  if (typeof value === 'object') {
    return Object.entries(value)
      .map(([key, item]) => `<${key}>${toXml(item, key)}</${key}>`)
      .join('');
  }
  return escapeXml(String(value));
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
