/**
 * Agent texts ("Hi {customerName}, this is {agentName}") filled from the agent and the call's
 * metadata. Values are plain data: one pass, so a value that looks like a placeholder stays text;
 * only strings, numbers and booleans are used; each is cut to a sane length and stripped of control
 * characters, so metadata cannot make the bot read out a page. An unknown placeholder is dropped
 * rather than spoken as "curly brace name".
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}|\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}/g;
const MAX_VALUE_CHARS = 100;

export type TemplateValues = Record<string, unknown>;

export function renderTemplate(template: string, values: TemplateValues): string {
  return template
    .replace(PLACEHOLDER, (_match, double: string | undefined, single: string | undefined) => {
      const name = (double ?? single) as string;
      return Object.prototype.hasOwnProperty.call(values, name) ? plainValue(values[name]) : '';
    })
    // Spaces collapse first, so that the punctuation rule sees at most one (no backtracking over long runs).
    .replace(/\s+/g, ' ')
    .replace(/ ([,.!?;:।])/g, '$1')
    .trim();
}

function plainValue(value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return '';
  return String(value)
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_VALUE_CHARS);
}
