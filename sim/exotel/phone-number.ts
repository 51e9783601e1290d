/**
 * Just enough phone-number sense for a simulator: is a string a plausible number, and which key does
 * it have, so that "+91 98450 12001", "09845012001" and "9845012001" reach the same scenario.
 * Ringline normalizes with a real phone-number library; the simulator must not be stricter than
 * Exotel, only reject what Exotel would clearly reject.
 */
const SEPARATORS = /[\s().-]/g;
const INDIA = '91';
const INDIAN_NATIONAL_DIGITS = 10;

/** E.164 form ("+919845012001") of a plausible number, or undefined. Bare 10-digit and 0-prefixed numbers are Indian. */
export function normalizePhoneNumber(raw: string): string | undefined {
  const compact = raw.trim().replace(SEPARATORS, '');
  if (!/^\+?\d+$/.test(compact)) return undefined;
  const digits = compact.replace('+', '');
  let international: string;
  if (compact.startsWith('+')) international = digits;
  else if (digits.length === INDIAN_NATIONAL_DIGITS) international = INDIA + digits;
  else if (digits.length === INDIAN_NATIONAL_DIGITS + 1 && digits.startsWith('0')) international = INDIA + digits.slice(1);
  else international = digits;
  if (international.length < 10 || international.length > 15) return undefined;
  if (international.startsWith(INDIA) && international.length !== INDIA.length + INDIAN_NATIONAL_DIGITS) return undefined;
  return `+${international}`;
}

/** The last three digits select the built-in scenario. */
export function scenarioSuffix(e164: string): string {
  return e164.slice(-3);
}
