import { mean, rate, roundTo } from './ratios';

const HOUR_MS = 3_600_000;

/** What the call stats count over their period, before it becomes rates. */
export interface CallTally {
  /** Logical calls: first attempts created in the period. */
  calls: number;
  /** Attempts after the first created in the period. */
  retries: number;
  /** Logical calls that have ended, and those of them that ended completed. */
  finished: number;
  succeeded: number;
  /** Talk time of the attempts Exotel reported a duration for. */
  durationTotalSec: number;
  durationSamples: number;
}

/**
 * The period's calls as rates. Success is over finished calls only, since a call still retrying has
 * no outcome yet; retries are per logical call; the per-hour and per-day figures spread the calls over
 * the whole period, idle hours included.
 */
export function callRates(tally: CallTally, period: { from: Date; to: Date }) {
  const hours = Math.max(0, period.to.getTime() - period.from.getTime()) / HOUR_MS;
  return {
    calls: tally.calls,
    retries: tally.retries,
    successRate: rate(tally.succeeded, tally.finished),
    retryRate: tally.calls > 0 ? roundTo(tally.retries / tally.calls, 3) : 0,
    totalDurationSec: roundTo(tally.durationTotalSec, 2),
    averageDurationSec: mean(tally.durationTotalSec, tally.durationSamples),
    callsPerHour: hours > 0 ? roundTo(tally.calls / hours, 3) : 0,
    callsPerDay: hours > 0 ? roundTo((tally.calls / hours) * 24, 3) : 0,
  };
}
