import { isSupportedCountry, parsePhoneNumberFromString, validatePhoneNumberLength, type CountryCode } from 'libphonenumber-js/max';

/**
 * Every number Ringline stores or dials is E.164. The full ("max") metadata is used because the default
 * one checks little more than length, and a number that only looks right still costs a dial attempt.
 */
export type PhoneNumberProblem = 'empty' | 'not_a_number' | 'too_short' | 'too_long' | 'invalid_country' | 'invalid';

export type NormalizedPhoneNumber = { ok: true; e164: string } | { ok: false; reason: PhoneNumberProblem };

const LENGTH_PROBLEMS: Record<string, PhoneNumberProblem> = {
  NOT_A_NUMBER: 'not_a_number',
  TOO_SHORT: 'too_short',
  TOO_LONG: 'too_long',
  INVALID_COUNTRY: 'invalid_country',
  INVALID_LENGTH: 'invalid',
};

/**
 * @param defaultCountry ISO 3166 alpha-2 country for numbers written without a country code; an
 *   unsupported code means such numbers are rejected rather than guessed.
 */
export function normalizePhoneNumber(input: string, defaultCountry: string): NormalizedPhoneNumber {
  const text = input.trim();
  if (text === '') return { ok: false, reason: 'empty' };
  const country = defaultCountry.toUpperCase();
  const fallback: CountryCode | undefined = isSupportedCountry(country) ? country : undefined;
  const parsed = parsePhoneNumberFromString(text, fallback);
  if (parsed?.isValid()) return { ok: true, e164: parsed.number };
  const lengthProblem = validatePhoneNumberLength(text, fallback);
  return { ok: false, reason: (lengthProblem && LENGTH_PROBLEMS[lengthProblem]) ?? (parsed ? 'invalid' : 'not_a_number') };
}

export function describePhoneNumberProblem(reason: PhoneNumberProblem): string {
  switch (reason) {
    case 'empty':
      return 'Phone number is empty';
    case 'not_a_number':
      return 'Phone number is not a number';
    case 'too_short':
      return 'Phone number is too short';
    case 'too_long':
      return 'Phone number is too long';
    case 'invalid_country':
      return 'Phone number has no valid country code';
    case 'invalid':
      return 'Phone number is not a valid number';
  }
}

/**
 * A stored (E.164) number as a voice should read it out: the national form a caller in that country
 * dials, digit by digit, a pause (comma) between its groups, so that a TTS voice says "nine eight
 * seven" rather than "nine hundred eighty-seven". Null when the text is not a valid number.
 */
export function spokenPhoneNumber(e164: string): string | null {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed?.isValid()) return null;
  return parsed
    .formatNational()
    .split(/[^0-9]+/)
    .filter((group) => group !== '')
    .map((group) => group.split('').join(' '))
    .join(', ');
}
