import { CallLog } from '../../db/models/call-log';
import { ScheduledCall } from '../../db/models/scheduled-call';
import type { AnalyticsQuery } from '../../domain/api-schemas/analytics';
import { isOnTime } from '../../domain/analytics/on-time';
import { percentiles } from '../../domain/analytics/percentiles';
import { rate } from '../../domain/analytics/ratios';
import { addTo, type Tally } from '../../domain/analytics/tally';
import { inBatches } from './batches';

const ID_BATCH = 500;

interface ScheduleRow {
  callLogId: string;
  status: string;
  effectiveAt: Date;
  prewarmedAt?: Date | null;
}

interface FirstAttemptRow {
  _id: string;
  campaignId?: string | null;
  timings?: { dialedAt?: Date };
  greeting?: { cacheHit: boolean; prewarmed: boolean };
}

/**
 * Scheduled calls due in the period (by `effectiveAt`, the time their workflow waits for), joined in
 * code with their first attempt's row for the dial time, the greeting and the campaign: FerretDB has
 * no `$lookup`, and ScheduledCall carries no campaign of its own.
 */
export async function loadSchedulingReport(filter: AnalyticsQuery) {
  const byStatus: Tally = {};
  const lagsMs: number[] = [];
  let scheduledCalls = 0;
  let onTime = 0;
  let prewarmed = 0;
  let greetingsPlayed = 0;
  let prewarmHits = 0;

  const schedules = ScheduledCall.find(
    { orgId: filter.orgId, ...(filter.agentId !== undefined && { agentId: filter.agentId }), effectiveAt: { $gte: filter.from, $lt: filter.to } },
    { _id: 0, callLogId: 1, status: 1, effectiveAt: 1, prewarmedAt: 1 },
  )
    .lean<ScheduleRow>()
    .cursor({ batchSize: ID_BATCH });
  for await (const batch of inBatches(schedules, ID_BATCH)) {
    const attempts = await CallLog.find(
      { _id: { $in: batch.map((row) => row.callLogId) } },
      { campaignId: 1, 'timings.dialedAt': 1, greeting: 1 },
    ).lean<FirstAttemptRow[]>();
    const attemptById = new Map(attempts.map((row) => [row._id, row]));
    for (const schedule of batch) {
      const attempt = attemptById.get(schedule.callLogId);
      if (filter.campaignId !== undefined && attempt?.campaignId !== filter.campaignId) continue;
      scheduledCalls += 1;
      addTo(byStatus, schedule.status, 1);
      if (schedule.prewarmedAt) prewarmed += 1;
      const dialedAt = attempt?.timings?.dialedAt;
      if (dialedAt) {
        lagsMs.push(dialedAt.getTime() - schedule.effectiveAt.getTime());
        if (isOnTime(schedule.effectiveAt, dialedAt)) onTime += 1;
      }
      if (attempt?.greeting) {
        greetingsPlayed += 1;
        if (attempt.greeting.cacheHit && attempt.greeting.prewarmed) prewarmHits += 1;
      }
    }
  }
  const { p50, p90, p99 } = percentiles(lagsMs, [50, 90, 99]);
  return {
    scheduledCalls,
    byStatus,
    dialed: lagsMs.length,
    onTime,
    onTimeRate: rate(onTime, lagsMs.length),
    dialLagMs: { p50, p90, p99 },
    prewarmed,
    greetingsPlayed,
    prewarmHits,
    prewarmHitRate: rate(prewarmHits, greetingsPlayed),
  };
}
