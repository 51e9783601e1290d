import { z } from 'zod';
import { resolveRange, type ReportRange } from '../analytics/report-range';
import { BUCKETS, MAX_BUCKETS, countBuckets, defaultBucket } from '../analytics/time-buckets';
import { instantSchema, isoDateTimeSchema, resourceIdSchema, tallySchema } from './common';

const filterShape = {
  from: isoDateTimeSchema.optional(),
  to: isoDateTimeSchema.optional(),
  agentId: resourceIdSchema.optional(),
  campaignId: resourceIdSchema.optional(),
};

/** The period with its defaults, or an issue when it runs backwards. */
function periodOf(query: { from?: string; to?: string }, now: Date, ctx: z.RefinementCtx): ReportRange | undefined {
  const range = resolveRange(query, now);
  if (range.from.getTime() <= range.to.getTime()) return range;
  ctx.addIssue({ code: 'custom', path: [query.from === undefined ? 'to' : 'from'], message: 'from must not be after to' });
  return undefined;
}

/**
 * The analytics query with its period resolved. The defaults depend on the time of the request, so the
 * schema is made per request with that time; every refusal is a zod issue like any other bad query.
 */
export function analyticsQuerySchema(now: Date) {
  return z.object(filterShape).transform((query, ctx) => {
    const range = periodOf(query, now, ctx);
    if (!range) return z.NEVER;
    return { ...range, agentId: query.agentId, campaignId: query.campaignId };
  });
}
/** The parsed query plus the caller's organization, which every report is narrowed by. */
export type AnalyticsQuery = z.output<ReturnType<typeof analyticsQuerySchema>> & { orgId: string };

/** Trends add the bucket size, chosen from the period when absent, and refuse more than MAX_BUCKETS. */
export function trendsQuerySchema(now: Date) {
  return z.object({ ...filterShape, bucket: z.enum(BUCKETS).optional() }).transform((query, ctx) => {
    const range = periodOf(query, now, ctx);
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
    llmTokensEstimated: count,
  }),
  cost: z.object({ telephony: z.number(), dialAttempts: z.number(), stt: z.number(), tts: z.number(), llm: z.number(), total: z.number() }),
  perCallAverage: z.number(),
});

export const trendsReportAnswerSchema = reportAnswerSchema({
  bucket: z.enum(BUCKETS),
  buckets: z.array(
    z.object({ start: instantSchema, end: instantSchema, attempts: count, completed: count, failed: count, voicemail: count, retries: count, meanVoiceToVoiceMs: measured }),
  ),
});

export const dashboardReportAnswerSchema = reportAnswerSchema({
  today: z.object({ from: instantSchema, to: instantSchema, calls: count, completed: count, attempts: count }),
  period: z.object({ calls: count, finished: count, completed: count, successRate: rate, attempts: count }),
  /** Attempts still in a workflow phase now, whatever the period. */
  live: count,
  voiceToVoiceMs: z.object({ samples: count, p50: measured, p95: measured }),
  cost: z.object({ currency: z.string(), total: z.number(), perCallAverage: z.number() }),
});
