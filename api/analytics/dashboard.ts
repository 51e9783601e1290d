import { CallLog } from '../../db/models/call-log';
import type { AnalyticsQuery } from '../../domain/api-schemas/analytics';
import type { CostPrices } from '../../domain/analytics/cost';
import { percentiles } from '../../domain/analytics/percentiles';
import { bucketStart } from '../../domain/analytics/time-buckets';
import { CALL_PHASES } from '../../domain/call-status';
import { scopeMatch } from './analytics-filter';
import { countAttempts, countLogicalCalls } from './calls';
import { estimateCostFor } from './cost';
import { latencySamples } from './performance';

const DAY_MS = 86_400_000;

/**
 * Live calls are counted now, whatever the period: attempts whose status is still a workflow phase,
 * including calls waiting for a scheduled time or a retry.
 */
function countLive(filter: AnalyticsQuery): Promise<number> {
  return CallLog.countDocuments({ ...scopeMatch(filter), status: { $in: [...CALL_PHASES] } });
}

/** The other reports in brief, plus today (the current UTC day) beside the requested period. */
export async function loadDashboard(filter: AnalyticsQuery, prices: CostPrices, now: Date) {
  const todayStart = bucketStart(now, 'day');
  const today: AnalyticsQuery = { ...filter, from: todayStart, to: new Date(todayStart.getTime() + DAY_MS) };
  const [calls, attempts, todayCalls, todayAttempts, live, latency, cost] = await Promise.all([
    countLogicalCalls(filter),
    countAttempts(filter),
    countLogicalCalls(today),
    countAttempts(today),
    countLive(filter),
    latencySamples(filter, ['voiceToVoiceMs']),
    estimateCostFor(filter, prices),
  ]);
  return {
    today: {
      from: today.from.toISOString(),
      to: today.to.toISOString(),
      calls: todayCalls.total,
      completed: todayCalls.completed,
      attempts: todayAttempts.total,
    },
    period: {
      calls: calls.total,
      finished: calls.finished,
      completed: calls.completed,
      successRate: calls.successRate,
      attempts: attempts.total,
    },
    live,
    voiceToVoiceMs: { samples: latency.voiceToVoiceMs.length, ...percentiles(latency.voiceToVoiceMs, [50, 95]) },
    cost: { currency: cost.currency, total: cost.cost.total, perCallAverage: cost.perCallAverage },
  };
}
