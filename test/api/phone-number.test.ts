import { normalizePhoneNumber } from '../../domain/phone-number';

describe('normalizePhoneNumber', () => {
  it.each([
    ['Indian mobile, bare 10 digits', '9876543210', '+919876543210'],
    ['Indian mobile with +91', '+919876543210', '+919876543210'],
    ['Indian mobile with 91 and no plus', '919876543210', '+919876543210'],
    ['Indian mobile with trunk prefix 0', '09876543210', '+919876543210'],
    ['Indian mobile with spaces', '+91 98765 43210', '+919876543210'],
    ['Indian mobile with dashes', '98765-43210', '+919876543210'],
    ['Indian mobile with brackets and dots', '(+91) 98765.43210', '+919876543210'],
    ['surrounding whitespace', '  9876543210\t', '+919876543210'],
    ['Indian landline with STD code', '080 4711 2233', '+918047112233'],
    ['Indian landline in international form', '+91 22 2778 1234', '+912227781234'],
    ['US number in international form', '+1 201-555-0123', '+12015550123'],
    ['UK number in international form', '+44 20 7946 0958', '+442079460958'],
  ])('accepts %s', (_case, input, e164) => {
    expect(normalizePhoneNumber(input, 'IN')).toEqual({ ok: true, e164 });
  });

  it('reads national numbers in the default country', () => {
    expect(normalizePhoneNumber('(201) 555-0123', 'US')).toEqual({ ok: true, e164: '+12015550123' });
    expect(normalizePhoneNumber('(201) 555-0123', 'us')).toEqual({ ok: true, e164: '+12015550123' });
  });

  it.each([
    ['empty', '', 'empty'],
    ['blank', '   ', 'empty'],
    ['letters', 'call me maybe', 'not_a_number'],
    ['too short', '12345', 'too_short'],
    ['too short with +91', '+91 98765', 'too_short'],
    ['too long', '+91 98765 43210 12345 678', 'too_long'],
    ['a US number read as Indian', '(201) 555-0123', 'invalid'],
    ['an Indian number with an impossible prefix', '5555555555', 'invalid'],
  ])('rejects %s', (_case, input, reason) => {
    expect(normalizePhoneNumber(input, 'IN')).toEqual({ ok: false, reason });
  });

  it('rejects national numbers when the default country is unknown', () => {
    expect(normalizePhoneNumber('9876543210', 'ZZ')).toEqual({ ok: false, reason: 'invalid_country' });
    expect(normalizePhoneNumber('+919876543210', 'ZZ')).toEqual({ ok: true, e164: '+919876543210' });
  });
});
