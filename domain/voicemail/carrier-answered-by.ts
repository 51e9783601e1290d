/**
 * Exotel's own answering-machine detection (a beta, switched on per account) reports its verdict as
 * `AnsweredBy` on each leg of the status callback (`Legs[n][AnsweredBy]` in form bodies) and in call
 * details: `HUMAN`, `MACHINE` or `NOT_SURE`, and `NA` (or nothing) when it did not run. Exotel rates it
 * at about 80 % accuracy, so it is a hint for the verdict policy, never a verdict.
 */
export type CarrierAnsweredBy = 'human' | 'machine';

/** The hint in an `AnsweredBy` value; none for `NOT_SURE`, `NA`, empty or anything unknown. */
export function carrierAnsweredBy(value: string | null | undefined): CarrierAnsweredBy | undefined {
  switch (value?.trim().toUpperCase()) {
    case 'HUMAN':
      return 'human';
    case 'MACHINE':
      return 'machine';
    default:
      return undefined;
  }
}

/** Of a call's legs, the last one with a verdict: Connect Voice AI has one leg, and the customer's leg comes last when there are two. */
export function carrierAnsweredByOfLegs(values: readonly (string | null | undefined)[]): CarrierAnsweredBy | undefined {
  return values.map(carrierAnsweredBy).filter((hint) => hint !== undefined).at(-1);
}
