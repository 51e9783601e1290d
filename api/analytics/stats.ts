import type { AnalyticsQuery } from '../../domain/api-schemas/analytics';
import { percentiles } from '../../domain/analytics/percentiles';
import { attemptsMatch } from './analytics-filter';
import { countAttempts, countLogicalCalls } from './calls';
import { countGreetingCache } from './greeting-cache';
import { greetingFirstFrames, LATENCY_STAGES, latencySamples } from './performance';
import { loadRetryReport } from './retry';

/** The seed's latency figures: the median and the two tails. */
const STATS_PERCENTILES = [50, 95, 99] as const;

function latencySummary(samples: number[]) {
  return { samples: samples.length, ...percentiles(samples, STATS_PERCENTILES) };
}

/**
 * The seed's one-page stats (outbound calls, greeting cache, retries, latency) over the period, each
 * figure taken from what the workflows and the media server recorded on the period's attempts; the
 * analytics reports hold the same figures in full.
 */
export async function loadStats(filter: AnalyticsQuery) {
  const [calls, attempts, greetingCache, retry, turns, greetings] = await Promise.all([
    countLogicalCalls(filter),
    countAttempts(filter),
    countGreetingCache(attemptsMatch(filter)),
    loadRetryReport(filter),
    latencySamples(filter, LATENCY_STAGES),
    greetingFirstFrames(filter),
  ]);
  return {
    outboundCalls: {
      total: calls.total,
      finished: calls.finished,
      completed: calls.completed,
      successRate: calls.successRate,
      byOutcome: calls.byOutcome,
      attempts: attempts.total,
    },
    greetingCache,
    retries: {
      retriesScheduled: retry.retriesScheduled,
      retriedCalls: retry.retriedCalls,
      retryRate: retry.retryRate,
      successAfterRetryRate: retry.successAfterRetryRate,
      byReason: retry.retriesByReason,
    },
    latency: {
      voiceToVoiceMs: latencySummary(turns.voiceToVoiceMs),
      sttFinalMs: latencySummary(turns.sttFinalMs),
      llmFirstTokenMs: latencySummary(turns.llmFirstTokenMs),
      ttsFirstByteMs: latencySummary(turns.ttsFirstByteMs),
      greetingFirstFrameMs: latencySummary(greetings),
    },
  };
}
