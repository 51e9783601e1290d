import { z } from 'zod';
import { resolveRange, type ReportRange } from '../analytics/report-range';
import { BUCKETS, MAX_BUCKETS, countBuckets, defaultBucket } from '../analytics/time-buckets';
import { reportBoundarySchema, resourceIdSchema } from './common';

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

/** The answer of `GET /analytics/trends`: one entry per bucket of the period, empty ones with zeros. */
export const trendsAnswerSchema = z.object({
  filter: z.object({ from: z.iso.datetime(), to: z.iso.datetime(), agentId: z.string().nullable(), campaignId: z.string().nullable() }),
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
