/**
 * Nearest-rank percentiles: the smallest sample with at least p % of the samples at or below it. Every
 * answer is a value that was measured (no interpolation), so a p99 of latencies is a real turn's latency.
 * FerretDB has no `$percentile`, so the samples are fetched and ranked here.
 */
export function percentile(sortedAscending: ArrayLike<number>, p: number): number | null {
  if (sortedAscending.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sortedAscending.length));
  return sortedAscending[rank - 1] ?? null;
}

export type Percentiles<P extends number> = { [K in P as `p${K}`]: number | null };

/** The requested percentiles of unsorted samples; null for each when there are none. */
export function percentiles<P extends number>(samples: readonly number[], ps: readonly P[]): Percentiles<P> {
  const sorted = Float64Array.from(samples).sort();
  return Object.fromEntries(ps.map((p) => [`p${p}`, percentile(sorted, p)])) as Percentiles<P>;
}
