import { CallLog } from '../../db/models/call-log';
import type { AnalyticsQuery } from '../../domain/api-schemas/analytics';
import { isFinished, logicalOutcome } from '../../domain/analytics/logical-outcome';
import { percentiles } from '../../domain/analytics/percentiles';
import { mean, rate, roundTo } from '../../domain/analytics/ratios';
import { addTo, type Tally } from '../../domain/analytics/tally';
import type { CallStatus } from '../../domain/call-status';
import { attemptsMatch, firstAttemptsMatch } from './analytics-filter';

interface FirstAttemptGroup {
  _id: { status: CallStatus; finalStatus?: CallStatus | null; failureReason?: string | null; finalFailureReason?: string | null };
  count: number;
}

/**
 * Logical calls (first attempts created in the period) by outcome, from one `$group` on plain fields;
 * the outcome and the reason are worked out here since FerretDB has no `$cond` or `$ifNull`.
 */
export async function countLogicalCalls(filter: AnalyticsQuery) {
  const groups = await CallLog.aggregate<FirstAttemptGroup>([
    { $match: firstAttemptsMatch(filter) },
    {
      $group: {
        _id: { status: '$status', finalStatus: '$finalStatus', failureReason: '$failureReason', finalFailureReason: '$finalFailureReason' },
        count: { $sum: 1 },
      },
    },
  ]);
  const byOutcome: Tally = {};
  const failureReasons: Tally = {};
  let total = 0;
  let finished = 0;
  for (const { _id, count } of groups) {
    const outcome = logicalOutcome(_id.status, _id.finalStatus ?? null);
    total += count;
    addTo(byOutcome, outcome, count);
    if (!isFinished(outcome)) continue;
    finished += count;
    const reason = _id.finalFailureReason ?? _id.failureReason ?? null;
    if (outcome === 'failed' && reason !== null) addTo(failureReasons, reason, count);
  }
  const completed = byOutcome.completed ?? 0;
  return { total, finished, completed, successRate: rate(completed, finished), byOutcome, failureReasons };
}

/** Every attempt created in the period, by its own status. */
export async function countAttempts(filter: AnalyticsQuery) {
  const groups = await CallLog.aggregate<{ _id: CallStatus; count: number }>([
    { $match: attemptsMatch(filter) },
    { $group: { _id: '$status', count: { $sum: 1 } } },
  ]);
  const byStatus: Tally = {};
  let total = 0;
  for (const { _id, count } of groups) {
    total += count;
    addTo(byStatus, _id, count);
  }
  return { total, byStatus };
}

/** Attempts with a positive conversation duration are the ones that connected; only that field is read. */
export function connectedDurations(filter: AnalyticsQuery) {
  return CallLog.find({ ...attemptsMatch(filter), 'timings.durationSec': { $gt: 0 } }, { _id: 0, 'timings.durationSec': 1 })
    .lean<{ timings: { durationSec: number } }>()
    .cursor({ batchSize: 1000 });
}

async function durationStats(filter: AnalyticsQuery) {
  const samples: number[] = [];
  for await (const row of connectedDurations(filter)) samples.push(row.timings.durationSec);
  const totalSec = samples.reduce((sum, value) => sum + value, 0);
  const { p50, p90, p99 } = percentiles(samples, [50, 90, 99]);
  return { connectedAttempts: samples.length, totalSec: roundTo(totalSec, 2), meanSec: mean(totalSec, samples.length), p50Sec: p50, p90Sec: p90, p99Sec: p99 };
}

export async function loadCallsReport(filter: AnalyticsQuery) {
  const [calls, attempts, duration] = await Promise.all([countLogicalCalls(filter), countAttempts(filter), durationStats(filter)]);
  return { calls, attempts, duration };
}
