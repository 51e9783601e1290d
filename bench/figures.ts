/** Shared arithmetic and output of the benchmarks: one JSON line per figure, so runs can be diffed. */

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** Events per second between the first and the last of sorted timestamps (ms). */
export function rate(sortedTimestamps: number[]): number {
  if (sortedTimestamps.length < 2) return 0;
  const spanSec = (sortedTimestamps[sortedTimestamps.length - 1] - sortedTimestamps[0]) / 1000;
  return spanSec > 0 ? (sortedTimestamps.length - 1) / spanSec : 0;
}

export function printFigure(figure: string, value: number, unit?: string): void {
  process.stdout.write(`${JSON.stringify({ figure, value: Number.isFinite(value) ? Math.round(value * 100) / 100 : null, ...(unit ? { unit } : {}) })}\n`);
}
