import { CallLog } from '../../db/models/call-log';
import { RetryAttempt } from '../../db/models/retry-attempt';
import type { AnalyticsQuery } from '../../domain/api-schemas/analytics';
import { isFinished, logicalOutcome } from '../../domain/analytics/logical-outcome';
import { rate } from '../../domain/analytics/ratios';
import { addTo, type Tally } from '../../domain/analytics/tally';
import type { CallStatus } from '../../domain/call-status';
import { firstAttemptsMatch } from './analytics-filter';
import { inBatches } from './batches';

/** Ids per `$in` when retries are looked up for the period's calls. */
const ID_BATCH = 500;

interface RetryCountGroup {
  _id: { status: CallStatus; finalStatus?: CallStatus | null; retryCount?: number | null };
  count: number;
}

/**
 * How many attempts finished calls took. The workflow writes `retryCount` (attempts − 1) on the first
 * attempt's row when the call ends, so the distribution covers finished calls only: a live call's
 * attempt count is not final yet.
 */
async function attemptsOfFinishedCalls(filter: AnalyticsQuery) {
  const groups = await CallLog.aggregate<RetryCountGroup>([
    { $match: firstAttemptsMatch(filter) },
    { $group: { _id: { status: '$status', finalStatus: '$finalStatus', retryCount: '$retryCount' }, count: { $sum: 1 } } },
  ]);
  const attemptsDistribution: Tally = {};
  let logicalCalls = 0;
  let finishedCalls = 0;
  let retriedCalls = 0;
  let completedAfterRetry = 0;
  for (const { _id, count } of groups) {
    logicalCalls += count;
    const outcome = logicalOutcome(_id.status, _id.finalStatus ?? null);
    if (!isFinished(outcome)) continue;
    const attempts = (_id.retryCount ?? 0) + 1;
    finishedCalls += count;
    addTo(attemptsDistribution, String(attempts), count);
    if (attempts < 2) continue;
    retriedCalls += count;
    if (outcome === 'completed') completedAfterRetry += count;
  }
  return { logicalCalls, finishedCalls, retriedCalls, completedAfterRetry, attemptsDistribution };
}

/**
 * Why attempts were retried: the reason on each RetryAttempt row of the period's calls, live or
 * finished. RetryAttempt has no agent, campaign or creation period of the call, and FerretDB has no
 * `$lookup`, so the period's call ids are streamed and matched in batches.
 */
async function retriesByReason(filter: AnalyticsQuery) {
  const byReason: Tally = {};
  let scheduled = 0;
  const ids = CallLog.find(firstAttemptsMatch(filter), { _id: 1 }).lean<{ _id: string }>().cursor({ batchSize: ID_BATCH });
  for await (const batch of inBatches(ids, ID_BATCH)) {
    const groups = await RetryAttempt.aggregate<{ _id: string; count: number }>([
      { $match: { originalCallLogId: { $in: batch.map((row) => row._id) } } },
      { $group: { _id: '$reason', count: { $sum: 1 } } },
    ]);
    for (const { _id, count } of groups) {
      scheduled += count;
      addTo(byReason, _id, count);
    }
  }
  return { scheduled, byReason };
}

export async function loadRetryReport(filter: AnalyticsQuery) {
  const [calls, retries] = await Promise.all([attemptsOfFinishedCalls(filter), retriesByReason(filter)]);
  return {
    ...calls,
    retryRate: rate(calls.retriedCalls, calls.finishedCalls),
    successAfterRetryRate: rate(calls.completedAfterRetry, calls.retriedCalls),
    retriesScheduled: retries.scheduled,
    retriesByReason: retries.byReason,
  };
}
