import { csvField, csvLine, neutralizeFormula } from '../../domain/csv-cell';
import { doNotCallEntryId } from '../../domain/do-not-call';
import { erasedContactNumber, isErasedNumber } from '../../domain/erasure';
import { retentionCutoff } from '../../domain/retention';
import { maskContactVariables, maskVariableValue } from '../../domain/variable-mask';
import { retryPolicyOverrideSchema } from '../../domain/api-schemas/retry-policy';

describe('neutralizeFormula', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
    ['+cmd|/c calc!A0', `'+cmd|/c calc!A0`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1:A2)', `'@SUM(A1:A2)`],
    ['\t=1+1', `'\t=1+1`],
    ['\r=1+1', `'\r=1+1`],
    ['=', `'=`],
    // Plain numbers run nothing: amounts and E.164 numbers stay usable.
    ['-12.5', '-12.5'],
    ['+919876543210', '+919876543210'],
    ['1500', '1500'],
    ['Asha Rao', 'Asha Rao'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('%j → %j', (value, expected) => {
    expect(neutralizeFormula(value)).toBe(expected);
  });
});

describe('csvField and csvLine', () => {
  it.each([
    [null, ''],
    [undefined, ''],
    [42, '42'],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=1+1,2', `"'=1+1,2"`],
    ['\r=1', `"'\r=1"`],
  ])('%j → %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('joins fields with commas and ends the line with CRLF', () => {
    expect(csvLine(['+919876543210', '=cmd', 3, null])).toBe(`+919876543210,'=cmd,3,\r\n`);
  });
});

describe('maskVariableValue and maskContactVariables', () => {
  it.each([
    ['Asha Rao', 'A***'],
    ['1500', '1***'],
    ['abc', '***'],
    ['', '***'],
  ])('%j → %j', (value, expected) => {
    expect(maskVariableValue(value)).toBe(expected);
  });

  it('masks every column except the ones named in clear, whatever their case', () => {
    const variables = { customer_name: 'Asha Rao', amount_due: '1500', plan: 'gold' };
    expect(maskContactVariables(variables, [])).toEqual({ customer_name: 'A***', amount_due: '1***', plan: 'g***' });
    expect(maskContactVariables(variables, ['Plan', 'amount_due'])).toEqual({ customer_name: 'A***', amount_due: '1500', plan: 'gold' });
  });
});

describe('retentionCutoff', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');
  it.each([
    [180, '2026-06-07T12:00:00.000Z'],
    [1, '2026-12-03T12:00:00.000Z'],
    [365, '2025-12-04T12:00:00.000Z'],
  ])('%d days → %s', (days, expected) => {
    expect(retentionCutoff(now, days).toISOString()).toBe(expected);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %p days', (days) => {
    expect(() => retentionCutoff(now, days)).toThrow(RangeError);
  });
});

describe('do-not-call and erasure identifiers', () => {
  it('keys an entry by organization and number, so organizations never share entries', () => {
    expect(doNotCallEntryId('org_a', '+919876543210')).toBe('org_a:+919876543210');
    expect(doNotCallEntryId('org_a', '+919876543210')).not.toBe(doNotCallEntryId('org_b', '+919876543210'));
  });

  it.each([
    ['erased', true],
    [erasedContactNumber('batch_1-7'), true],
    ['+919876543210', false],
    ['erasedx', false],
  ])('isErasedNumber(%j) → %p', (value, erased) => {
    expect(isErasedNumber(value)).toBe(erased);
  });

  it('lets no retry policy retry a number on the do-not-call list', () => {
    expect(retryPolicyOverrideSchema.safeParse({ rules: { dnd: { maxRetries: 2 } } }).success).toBe(false);
    expect(retryPolicyOverrideSchema.safeParse({ rules: { busy: { maxRetries: 2 } } }).success).toBe(true);
  });
});
