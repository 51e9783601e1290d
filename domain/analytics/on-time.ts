/** A scheduled call dialled within this of its effective time counted as on time. */
export const ON_TIME_TOLERANCE_MS = 60_000;

/** Early or late by at most the tolerance: a dial before `effectiveAt` is as much off schedule as one after. */
export function isOnTime(effectiveAt: Date, dialedAt: Date): boolean {
  return Math.abs(dialedAt.getTime() - effectiveAt.getTime()) <= ON_TIME_TOLERANCE_MS;
}
