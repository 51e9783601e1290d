import { carrierAnsweredBy, carrierAnsweredByOfLegs } from '../../domain/voicemail/carrier-answered-by';

describe("Exotel's AnsweredBy as a hint", () => {
  it.each([
    ['HUMAN', 'human'],
    ['MACHINE', 'machine'],
    ['Machine', 'machine'],
    [' human ', 'human'],
    ['NOT_SURE', undefined],
    ['NA', undefined],
    ['', undefined],
    ['FAX', undefined],
    [null, undefined],
    [undefined, undefined],
  ])('%j → %s', (value, expected) => {
    expect(carrierAnsweredBy(value)).toBe(expected);
  });

  it.each([
    [[], undefined],
    [['MACHINE'], 'machine'],
    [['NA', 'HUMAN'], 'human'],
    [['HUMAN', 'NOT_SURE'], 'human'],
    [['HUMAN', 'MACHINE'], 'machine'],
    [[null, ''], undefined],
  ] as [(string | null)[], string | undefined][])('legs %j → %s', (legs, expected) => {
    expect(carrierAnsweredByOfLegs(legs)).toBe(expected);
  });
});
