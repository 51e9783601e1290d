/**
 * The first attempt's CallLog id is the call id itself (the public `callLogId`); each retry gets
 * `<callId>-<attempt>`, so an attempt's row can be upserted by id from anywhere without a lookup.
 */
export function attemptCallLogId(callId: string, attempt: number): string {
  return attempt === 1 ? callId : `${callId}-${attempt}`;
}

/** `CustomField` sent to Exotel with each attempt and checked against the callback URL. */
export function attemptCustomField(callId: string, attempt: number): string {
  return `${callId}:${attempt}`;
}

export function parseCustomField(value: string): { callId: string; attempt: number } | undefined {
  const at = value.lastIndexOf(':');
  if (at <= 0) return undefined;
  const attempt = Number(value.slice(at + 1));
  if (!Number.isInteger(attempt) || attempt < 1) return undefined;
  return { callId: value.slice(0, at), attempt };
}
