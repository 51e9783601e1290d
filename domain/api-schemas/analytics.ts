import { z } from 'zod';
import { resolveRange, type ReportRange } from '../analytics/report-range';
import { BUCKETS, MAX_BUCKETS, countBuckets, defaultBucket } from '../analytics/time-buckets';
import { instantSchema, reportBoundarySchema, resourceIdSchema, tallySchema } from './common';

const filterShape = {
  from: reportBoundarySchema.optional(),
  to: reportBoundarySchema.optional(),
  agentId: resourceIdSchema.optional(),
  campaignId: resourceIdSchema.optional(),
};

/** The period with its defaults, or an issue when it runs backwards. */
function periodOf(query: { from?: string; to?: string }, now: Date, zone: string, ctx: z.RefinementCtx): ReportRange | undefined {
  const range = resolveRange(query, now, zone);
  if (range.from.getTime() <= range.to.getTime()) return range;
  ctx.addIssue({ code: 'custom', path: [query.from === undefined ? 'to' : 'from'], message: 'from must not be after to' });
  return undefined;
}

/**
 * The analytics query with its period resolved. The defaults depend on the time of the request, so the
 * schema is made per request with that time, and with the account's time zone (ACCOUNT_TIMEZONE) that
 * bare dates are read in; every refusal is a zod issue like any other bad query.
 */
export function analyticsQuerySchema(now: Date, zone: string) {
  return z.object(filterShape).transform((query, ctx) => {
    const range = periodOf(query, now, zone, ctx);
    if (!range) return z.NEVER;
    return { ...range, agentId: query.agentId, campaignId: query.campaignId };
  });
}
/** The parsed query plus the caller's organization, which every report is narrowed by. */
export type AnalyticsQuery = z.output<ReturnType<typeof analyticsQuerySchema>> & { orgId: string };

/** Trends add the bucket size, chosen from the period when absent, and refuse more than MAX_BUCKETS. */
export function trendsQuerySchema(now: Date, zone: string) {
  return z.object({ ...filterShape, bucket: z.enum(BUCKETS).optional() }).transform((query, ctx) => {
    const range = periodOf(query, now, zone, ctx);
    if (!range) return z.NEVER;
    const bucket = query.bucket ?? defaultBucket(range.from, range.to);
    if (countBuckets(range.from, range.to, bucket) > MAX_BUCKETS) {
      ctx.addIssue({ code: 'custom', path: ['bucket'], message: `the period holds more than ${MAX_BUCKETS} ${bucket} buckets` });
      return z.NEVER;
    }
    return { ...range, agentId: query.agentId, campaignId: query.campaignId, bucket };
  });
}
export type TrendsQuery = z.output<ReturnType<typeof trendsQuerySchema>> & { orgId: string };

/**
 * Answers (docs/analytics.md defines every figure). Rates are shares in [0, 1]; means and percentiles
 * of no samples are null.
 */

const count = z.int().min(0);
const rate = z.number().min(0).max(1);
const measured = z.number().nullable();

/** The resolved query every report starts with. */
const reportFilterSchema = z.object({ from: instantSchema, to: instantSchema, agentId: z.string().nullable(), campaignId: z.string().nullable() });

function reportAnswerSchema<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.object({ filter: reportFilterSchema, ...shape });
}

export const callsReportAnswerSchema = reportAnswerSchema({
  calls: z.object({ total: count, finished: count, completed: count, successRate: rate, byOutcome: tallySchema, failureReasons: tallySchema }),
  attempts: z.object({ total: count, byStatus: tallySchema }),
  duration: z.object({ connectedAttempts: count, totalSec: z.number(), meanSec: measured, p50Sec: measured, p90Sec: measured, p99Sec: measured }),
});

export const retryReportAnswerSchema = reportAnswerSchema({
  logicalCalls: count,
  finishedCalls: count,
  retriedCalls: count,
  completedAfterRetry: count,
  attemptsDistribution: tallySchema,
  retryRate: rate,
  successAfterRetryRate: rate,
  retriesScheduled: count,
  retriesByReason: tallySchema,
});

export const schedulingReportAnswerSchema = reportAnswerSchema({
  scheduledCalls: count,
  byStatus: tallySchema,
  dialed: count,
  onTime: count,
  onTimeRate: rate,
  dialLagMs: z.object({ p50: measured, p90: measured, p99: measured }),
  prewarmed: count,
  greetingsPlayed: count,
  prewarmHits: count,
  prewarmHitRate: rate,
});

export const voicemailReportAnswerSchema = reportAnswerSchema({
  attempts: count,
  answeredAttempts: count,
  voicemailAttempts: count,
  voicemailRate: rate,
  callsEndingInVoicemail: count,
  messagesLeft: count,
  messagesFailed: count,
  averageConfidence: measured,
  unreachableAttempts: count,
  unreachableRate: rate,
  callsEndingUnreachable: count,
});

const latencySummarySchema = z.object({ samples: count, p50: measured, p90: measured, p95: measured, p99: measured });

export const performanceReportAnswerSchema = reportAnswerSchema({
  stages: z.object({ sttFinalMs: latencySummarySchema, llmFirstTokenMs: latencySummarySchema, ttsFirstByteMs: latencySummarySchema, voiceToVoiceMs: latencySummarySchema }),
  greetingFirstFrameMs: latencySummarySchema,
  voiceToVoiceHistogram: z.array(z.object({ fromMs: z.int(), toMs: z.int().nullable(), count })),
});

export const costReportAnswerSchema = reportAnswerSchema({
  currency: z.string(),
  logicalCalls: count,
  usage: z.object({
    dialAttempts: count,
    connectedAttempts: count,
    connectedSeconds: z.number().min(0),
    billedMinutes: count,
    ttsCharacters: count,
    /** Bot turn characters by the provider that spoke each turn. */
    ttsCharactersByProvider: z.object({ deepgram: count, elevenlabs: count }),
    llmTokensEstimated: count,
  }),
  cost: z.object({
    telephony: z.number(),
    dialAttempts: z.number(),
    stt: z.number(),
    tts: z.number(),
    /** `tts` at each provider's price (COST_TTS_PER_1K_CHARS for Deepgram, COST_ELEVENLABS_TTS_PER_1K_CHARS). */
    ttsByProvider: z.object({ deepgram: z.number(), elevenlabs: z.number() }),
    llm: z.number(),
    total: z.number(),
  }),
  perCallAverage: z.number(),
});

/** One entry per bucket of the period, empty ones with zeros. */
export const trendsReportAnswerSchema = z.object({
  filter: reportFilterSchema,
  bucket: z.enum(BUCKETS),
  buckets: z.array(
    z.object({
      start: z.iso.datetime(),
      end: z.iso.datetime(),
      attempts: z.int().nonnegative(),
      completed: z.int().nonnegative(),
      failed: z.int().nonnegative(),
      voicemail: z.int().nonnegative(),
      retries: z.int().nonnegative(),
      /** Logical calls (first attempts) begun in the bucket. */
      calls: z.int().nonnegative(),
      /** Of those calls that have finished, the share that completed, in [0, 1]. */
      successRate: z.number().min(0).max(1),
      /** Talk time of the bucket's attempts; the mean is null when none has a duration. */
      totalDurationSec: z.number().nonnegative(),
      meanDurationSec: z.number().nonnegative().nullable(),
      meanVoiceToVoiceMs: z.number().nonnegative().nullable(),
    }),
  ),
});

/** Greetings the media server played from its cache, and those of them a prewarm had made; rates over greetings played. */
export const greetingCacheSchema = z.object({
  greetingsPlayed: count,
  cacheHits: count,
  prewarmedHits: count,
  hitRate: rate,
  prewarmedHitRate: rate,
});

const statsLatencySchema = z.object({ samples: count, p50: measured, p95: measured, p99: measured });

/** The answer of `GET /stats`: the seed's summary of the period. */
export const statsAnswerSchema = reportAnswerSchema({
  outboundCalls: z.object({ total: count, finished: count, completed: count, successRate: rate, byOutcome: tallySchema, attempts: count }),
  greetingCache: greetingCacheSchema,
  retries: z.object({ retriesScheduled: count, retriedCalls: count, retryRate: rate, successAfterRetryRate: rate, byReason: tallySchema }),
  latency: z.object({
    voiceToVoiceMs: statsLatencySchema,
    sttFinalMs: statsLatencySchema,
    llmFirstTokenMs: statsLatencySchema,
    ttsFirstByteMs: statsLatencySchema,
    greetingFirstFrameMs: statsLatencySchema,
  }),
});

export const dashboardReportAnswerSchema = reportAnswerSchema({
  today: z.object({ from: instantSchema, to: instantSchema, calls: count, completed: count, attempts: count }),
  period: z.object({ calls: count, finished: count, completed: count, successRate: rate, attempts: count }),
  /** Attempts still in a workflow phase now, whatever the period. */
  live: count,
  voiceToVoiceMs: z.object({ samples: count, p50: measured, p95: measured }),
  cost: z.object({ currency: z.string(), total: z.number(), perCallAverage: z.number() }),
});
