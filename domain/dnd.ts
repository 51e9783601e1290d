/**
 * The answer of the pre-dial DND check. `checkedAt` is when Exotel was asked (ISO 8601), also for an
 * answer served from the cache, so the workflow can tell how old the registry's word is.
 */
export type DndCheckResult = { dnd: boolean; source: 'cache' | 'exotel'; checkedAt: string };

/**
 * The cache has no TTL index (FerretDB has none), so freshness is decided when reading: an entry is
 * fresh for `ttlSec` after it was checked. An entry dated in the future (clock skew between workers)
 * counts as fresh only up to `ttlSec` ahead, so a bad clock cannot pin an answer for ever.
 */
export function isDndEntryFresh(checkedAt: Date, ttlSec: number, now: Date): boolean {
  const ageMs = now.getTime() - checkedAt.getTime();
  return Math.abs(ageMs) < ttlSec * 1000;
}
