import { z } from 'zod';
import { resolveRange, type ReportRange } from '../analytics/report-range';
import { BUCKETS, MAX_BUCKETS, countBuckets, defaultBucket } from '../analytics/time-buckets';
import { isoDateTimeSchema, resourceIdSchema } from './common';

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
