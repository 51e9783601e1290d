export interface HistogramBin {
  /** Inclusive lower edge, ms. */
  fromMs: number;
  /** Exclusive upper edge, ms; null for the last bin, which holds everything from `fromMs` up. */
  toMs: number | null;
  count: number;
}

/**
 * Fixed-width bins from 0, so two periods' histograms line up bin by bin. Values at or past
 * `binWidthMs * (bins - 1)` share the last, open bin rather than stretching the axis for one outlier.
 */
export function histogram(samples: readonly number[], binWidthMs: number, bins: number): HistogramBin[] {
  const counts = new Array<number>(bins).fill(0);
  for (const value of samples) {
    const index = Math.min(bins - 1, Math.max(0, Math.floor(value / binWidthMs)));
    counts[index] += 1;
  }
  return counts.map((count, i) => ({ fromMs: i * binWidthMs, toMs: i === bins - 1 ? null : (i + 1) * binWidthMs, count }));
}
