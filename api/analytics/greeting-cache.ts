import { CallLog } from '../../db/models/call-log';
import { rate } from '../../domain/analytics/ratios';

/**
 * How the greetings of the matched attempts went out, from what the media server recorded on each
 * (`greeting.cacheHit`, `greeting.prewarmed`): grouped by the two booleans, since FerretDB has no
 * `$cond` to count hits in one group. Rates are shares of the greetings played.
 */
export async function countGreetingCache(attempts: Record<string, unknown>) {
  const groups = await CallLog.aggregate<{ _id: { cacheHit: boolean; prewarmed: boolean }; count: number }>([
    { $match: { ...attempts, 'greeting.cacheHit': { $exists: true } } },
    { $group: { _id: { cacheHit: '$greeting.cacheHit', prewarmed: '$greeting.prewarmed' }, count: { $sum: 1 } } },
  ]);
  let greetingsPlayed = 0;
  let cacheHits = 0;
  let prewarmedHits = 0;
  for (const { _id, count } of groups) {
    greetingsPlayed += count;
    if (_id.cacheHit) cacheHits += count;
    if (_id.cacheHit && _id.prewarmed) prewarmedHits += count;
  }
  return { greetingsPlayed, cacheHits, prewarmedHits, hitRate: rate(cacheHits, greetingsPlayed), prewarmedHitRate: rate(prewarmedHits, greetingsPlayed) };
}
