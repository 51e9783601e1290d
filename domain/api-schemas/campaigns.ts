import { z } from 'zod';
import { CAMPAIGN_STATUSES } from '../campaign-types';
import { PRIORITIES } from '../priority';
import { instantSchema, pageAnswerSchema, paginationQueryShape, resourceIdSchema, rowErrorAnswerSchema, tallySchema } from './common';
import { callbackUrlSchema } from './outcome-webhooks';
import { retryPolicyOverrideSchema } from './retry-policy';
import { businessHoursSchema, localOrZonedDateTimeSchema } from './schedules';

/** Campaign throttles are bounded so one campaign's bookkeeping stays small in its workflow. */
export const MAX_CAMPAIGN_CONCURRENCY = 500;
export const MAX_DELAY_BETWEEN_CALLS_MS = 10 * 60_000;

/** `delayBetweenCalls` is the seed's name (milliseconds); `delayBetweenCallsMs` is accepted too. */
export const throttleSchema = z
  .strictObject({
    maxConcurrent: z.int().min(1).max(MAX_CAMPAIGN_CONCURRENCY).optional(),
    delayBetweenCalls: z.int().min(0).max(MAX_DELAY_BETWEEN_CALLS_MS).optional(),
    delayBetweenCallsMs: z.int().min(0).max(MAX_DELAY_BETWEEN_CALLS_MS).optional(),
  })
  .refine((t) => t.delayBetweenCalls === undefined || t.delayBetweenCallsMs === undefined, {
    message: 'give delayBetweenCalls or delayBetweenCallsMs, not both',
  });
export type ThrottleRequest = z.infer<typeof throttleSchema>;

/** Settings shared by the bulk JSON body and the CSV process form. */
export const campaignSettingsShape = {
  name: z.string().trim().min(1).max(200).optional(),
  agentId: resourceIdSchema.optional(),
  priority: z.enum(PRIORITIES).default('medium'),
  throttle: throttleSchema.optional(),
  /** The campaign starts then (absent = now); offset-less = wall clock in `timezone`. */
  scheduledFor: localOrZonedDateTimeSchema.optional(),
  timezone: z.string().max(64).optional(),
  respectBusinessHours: z.boolean().default(false),
  businessHours: businessHoursSchema.optional(),
  retryPolicy: retryPolicyOverrideSchema.optional(),
  ringTimeoutSec: z.int().min(5).max(120).optional(),
  /** Where the campaign's calls' outcome webhooks and its own `campaign.finished` go (docs/webhooks.md). */
  callbackUrl: callbackUrlSchema.optional(),
};

const variableValueSchema = z.union([z.string(), z.number(), z.boolean()]);

export const bulkCallSchema = z.strictObject({
  phoneNumber: z.string().max(64),
  agentId: resourceIdSchema.optional(),
  /** Per-contact variables for the agent's greeting and prompt (`{customer_name}`); `metadata` is the seed's name. */
  variables: z.record(z.string(), variableValueSchema).optional(),
  metadata: z.record(z.string(), variableValueSchema).optional(),
  scheduledFor: localOrZonedDateTimeSchema.optional(),
  timezone: z.string().max(64).optional(),
  priority: z.enum(PRIORITIES).optional(),
});

export const bulkCallsSchema = z.strictObject({
  ...campaignSettingsShape,
  calls: z.array(bulkCallSchema).min(1),
});
export type BulkCallsRequest = z.infer<typeof bulkCallsSchema>;

const formBoolean = z.enum(['true', 'false']).transform((value) => value === 'true');
const formInt = z.string().regex(/^\d{1,9}$/, 'must be a whole number').transform(Number);

/**
 * The CSV process form (or the query string of a raw text/csv upload): flat text fields for the common
 * settings, or everything as JSON in one `options` field. `staggerMs` is the delay between calls.
 */
export const processFormSchema = z
  .strictObject({
    options: z.string().max(4096).optional(),
    name: z.string().optional(),
    agentId: z.string().optional(),
    priority: z.string().optional(),
    scheduledFor: z.string().optional(),
    timezone: z.string().optional(),
    maxConcurrent: formInt.optional(),
    delayBetweenCalls: formInt.optional(),
    staggerMs: formInt.optional(),
    respectBusinessHours: formBoolean.optional(),
  })
  .transform((form, ctx) => {
    const { options, maxConcurrent, delayBetweenCalls, staggerMs, ...flat } = form;
    let fromJson: Record<string, unknown> = {};
    if (options !== undefined) {
      try {
        fromJson = JSON.parse(options) as Record<string, unknown>;
      } catch {
        ctx.addIssue({ code: 'custom', path: ['options'], message: 'must be a JSON object' });
        return z.NEVER;
      }
    }
    const delay = delayBetweenCalls ?? staggerMs;
    const throttle =
      maxConcurrent !== undefined || delay !== undefined
        ? { ...(maxConcurrent !== undefined && { maxConcurrent }), ...(delay !== undefined && { delayBetweenCalls: delay }) }
        : undefined;
    return { ...fromJson, ...flat, ...(throttle && { throttle }) };
  })
  .pipe(z.strictObject(campaignSettingsShape));
export type CampaignSettings = z.infer<typeof processFormSchema>;

export const batchIdParamsSchema = z.object({ batchId: resourceIdSchema });
export const batchActionParamsSchema = z.object({ batchId: resourceIdSchema, action: z.enum(['pause', 'resume', 'cancel']) });

export const listBatchesQuerySchema = z.object({
  ...paginationQueryShape,
  status: z.enum(CAMPAIGN_STATUSES).optional(),
  agentId: resourceIdSchema.optional(),
});

export const CONTACT_STATUS_FILTERS = ['pending', 'dispatched', 'completed', 'voicemail', 'failed', 'cancelled'] as const;

export const listContactsQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  status: z.enum(CONTACT_STATUS_FILTERS).optional(),
});

/** A campaign with its progress: from its workflow while it runs (`live: true`), else as last written. */
export const campaignAnswerSchema = z.object({
  batchId: z.string(),
  campaignId: z.string(),
  name: z.string(),
  source: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  agentId: z.string().nullable(),
  priority: z.enum(PRIORITIES),
  throttle: z.object({ maxConcurrent: z.int(), delayBetweenCallsMs: z.int() }),
  scheduledFor: instantSchema.nullable(),
  workflowId: z.string(),
  progress: z.object({
    total: z.int(),
    dispatched: z.int(),
    processed: z.int(),
    successful: z.int(),
    failed: z.int(),
    voicemail: z.int(),
    cancelled: z.int(),
    inProgress: z.int(),
    pending: z.int(),
    percentComplete: z.number(),
    outcomes: tallySchema,
  }),
  rowErrorCount: z.int().min(0),
  rowErrors: z.array(rowErrorAnswerSchema),
  createdAt: instantSchema,
  startedAt: instantSchema.nullable(),
  completedAt: instantSchema.nullable(),
  live: z.boolean(),
});

/**
 * A campaign taken (202; 200 with `idempotentReplay` for a repeat of its Idempotency-Key). `totals` counts
 * the JSON body's calls (`requested`) or the CSV's rows (`rows`); `callIds` come with a JSON body only.
 */
export const campaignCreatedAnswerSchema = campaignAnswerSchema.extend({
  totals: z.object({ requested: z.int().optional(), rows: z.int().optional(), accepted: z.int(), rejected: z.int() }),
  callIds: z.array(z.string()).optional(),
  statusUrl: z.string(),
  idempotentReplay: z.literal(true).optional(),
});

export const campaignPageAnswerSchema = pageAnswerSchema(campaignAnswerSchema);

export const campaignStatsAnswerSchema = z.object({
  campaigns: z.object({ total: z.int().min(0), byStatus: tallySchema }),
  contacts: z.object({ total: z.int().min(0), byStatus: tallySchema }),
});

/** A campaign's contact: the number masked, variables masked unless their column is in CONTACT_VARIABLES_IN_CLEAR. */
export const campaignContactAnswerSchema = z.object({
  seq: z.int(),
  line: z.int().nullable(),
  phoneNumber: z.string(),
  agentId: z.string().nullable(),
  status: z.string(),
  failureReason: z.string().nullable(),
  attempts: z.int().min(0),
  callId: z.string().nullable(),
  workflowId: z.string().nullable(),
  variables: z.record(z.string(), z.string()),
});

export const campaignContactPageAnswerSchema = pageAnswerSchema(campaignContactAnswerSchema);
