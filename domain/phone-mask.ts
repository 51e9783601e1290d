/**
 * Phone numbers never reach a log in full: a standalone run of 10 or more digits (subscriber numbers
 * with or without country code, optionally with +, spaces, dashes, dots or brackets between them) keeps
 * only its last 4 digits. Masking by shape rather than by field name catches numbers inside messages,
 * URLs and error stacks too. Runs glued to letters or dashes (hex ids, UUID tails) and dates are left
 * alone so that logs stay readable.
 */
const PHONE_LIKE = /(?<![\w-])\+?\(?\d[\d\s().-]{8,}\d(?![\w-])/g;
const DATE_PREFIX = /^\d{4}-\d{2}-\d{2}/;
const MIN_DIGITS = 10;

function maskMatch(match: string): string {
  if (DATE_PREFIX.test(match)) return match;
  const digits = match.replace(/\D/g, '');
  if (digits.length < MIN_DIGITS) return match;
  return `***${digits.slice(-4)}`;
}

export function maskPhoneNumbers(text: string): string {
  return text.replace(PHONE_LIKE, maskMatch);
}

/** Keeps the last 4 digits of a single number, e.g. for a searchable, non-identifying key. */
export function lastFourDigits(phoneNumber: string): string {
  return phoneNumber.replace(/\D/g, '').slice(-4);
}

/**
 * Deep copy with every string masked. Error objects become plain objects so their message and stack
 * are masked as well (their own properties are not enumerable, so a plain spread would drop them).
 */
export function maskDeep(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return maskPhoneNumbers(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, seen));
  if (value instanceof Date) return value;
  const source: Record<string, unknown> = {};
  if (value instanceof Error) {
    source.type = value.name;
    source.message = value.message;
    source.stack = value.stack;
  }
  for (const [key, item] of Object.entries(value)) source[key] = item;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(source)) out[key] = maskDeep(item, seen);
  return out;
}
