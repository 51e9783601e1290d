import { lastFourDigits, maskDeep, maskPhoneNumbers } from '../../domain/phone-mask';

describe('maskPhoneNumbers', () => {
  it.each([
    ['+919876543210', '***3210'],
    ['dialing +91 98765 43210 now', 'dialing ***3210 now'],
    ['09876543210', '***3210'],
    ['+1 (415) 555-0134', '***0134'],
    ['to=9876543210&x=1', 'to=***3210&x=1'],
    ['a: +919876543210, b: +918012345678', 'a: ***3210, b: ***5678'],
  ])('masks %s', (input, expected) => {
    expect(maskPhoneNumbers(input)).toBe(expected);
  });

  it.each([
    ['2026-11-23 14:39:38'],
    ['2026-11-23T14:39:38.000Z'],
    ['a1b2c3d4e5f60718293a4b5c6d7e8f90'],
    ['550e8400-e29b-41d4-a716-446655440000'],
    ['attempt 3 of 5 after 60000 ms'],
    ['call-c_8f2k1m9x0p'],
  ])('leaves %s alone', (input) => {
    expect(maskPhoneNumbers(input)).toBe(input);
  });

  // The old regex backtracked over every start inside such runs: 32 KB took 0.4 s, 1 MB minutes.
  it.each([
    ['" 1-" repeated', ' 1-'],
    ['"1 " repeated', '1 '],
    ['"(1." repeated', '(1.'],
    ['digits then a dash, repeated', '12345678901-'],
  ])('masks 1 MB of %s in linear time', (_name, unit) => {
    const input = unit.repeat(Math.ceil((1024 * 1024) / unit.length));
    const started = process.hrtime.bigint();
    maskPhoneNumbers(input);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(ms).toBeLessThan(1_000);
  });

  it('masks numbers inside long runs of separators and digits as the shape rule says', () => {
    expect(maskPhoneNumbers('x 1- 1- +91 98765 43210 y')).toBe('x 1- 1- ***3210 y');
    expect(maskPhoneNumbers('1- 1- 1- 1- 1- 1- 1- 1- 1- 1')).toBe('***1111');
    expect(maskPhoneNumbers('(98765) 43210-')).toBe('(98765) 43210-');
    expect(maskPhoneNumbers('9876543210-abc 9876543211 ')).toBe('9876543210-abc ***3211 ');
  });
});

describe('maskDeep', () => {
  it('masks nested strings, arrays and errors without touching the input', () => {
    const input = { to: '+919876543210', list: ['+918012345678'], nested: { n: 1, d: new Date(0) } };
    expect(maskDeep(input)).toEqual({ to: '***3210', list: ['***5678'], nested: { n: 1, d: new Date(0) } });
    expect(input.to).toBe('+919876543210');
  });

  it('turns an error into a masked plain object with its message and stack', () => {
    const err = Object.assign(new Error('failed to dial +919876543210'), { code: 'E1' });
    const masked = maskDeep(err) as Record<string, string>;
    expect(masked.message).toBe('failed to dial ***3210');
    expect(masked.stack).toContain('failed to dial ***3210');
    expect(masked.stack).not.toContain('9876543210');
    expect(masked.code).toBe('E1');
    expect(masked.type).toBe('Error');
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { phone: '+919876543210' };
    a.self = a;
    expect(maskDeep(a)).toEqual({ phone: '***3210', self: '[Circular]' });
  });
});

describe('lastFourDigits', () => {
  it('keeps the last four digits', () => {
    expect(lastFourDigits('+91 98765-43210')).toBe('3210');
  });
});
