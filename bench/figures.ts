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

/**
 * The rate of the middle of a run: the first and last `trim` of the events are left out, so neither the
 * ramp-up nor the drain at the end (the last backlog tasks of one queue partition going out alone at
 * that partition's share of the limit) stands for the rate a steady backlog is served at.
 */
export function steadyRate(sortedTimestamps: number[], trim = 0.1): number {
  const from = Math.floor(sortedTimestamps.length * trim);
  const to = Math.ceil(sortedTimestamps.length * (1 - trim));
  return rate(sortedTimestamps.slice(from, to));
}

/** The most events inside any window of `windowMs` (a window opens at each event). */
export function maxInWindow(sortedTimestamps: number[], windowMs: number): number {
  let most = 0;
  let end = 0;
  for (let start = 0; start < sortedTimestamps.length; start += 1) {
    while (end < sortedTimestamps.length && sortedTimestamps[end] < sortedTimestamps[start] + windowMs) end += 1;
    most = Math.max(most, end - start);
  }
  return most;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Exotel's real per-account limit (dialing and polling together): the benches' limited runs use it. */
export const EXOTEL_LIMIT_PER_MINUTE = 200;

/** How a rate-limited run's dials sat against the account's limit, as SUMMARY fields. */
export function limitedRunSummary(sortedDialTimes: number[], rateLimited: number, limitPerMinute: number) {
  const perMin = rate(sortedDialTimes) * 60;
  const steadyPerMin = steadyRate(sortedDialTimes) * 60;
  return {
    limitedRatioToLimit: round(perMin / limitPerMinute, 3),
    limitedSteadyPerMin: round(steadyPerMin),
    limitedSteadyRatioToLimit: round(steadyPerMin / limitPerMinute, 3),
    limitedMaxIn60s: maxInWindow(sortedDialTimes, 60_000),
    limited429s: rateLimited,
  };
}

export function printFigure(figure: string, value: number, unit?: string): void {
  process.stdout.write(`${JSON.stringify({ figure, value: Number.isFinite(value) ? Math.round(value * 100) / 100 : null, ...(unit ? { unit } : {}) })}\n`);
}
