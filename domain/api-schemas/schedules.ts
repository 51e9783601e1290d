import { z } from 'zod';
import { isValidTimeZone } from '../daily-window';
import { PRIORITIES } from '../priority';
import { TTS_PROVIDERS } from '../speech/tts-provider';
import { callMetadataSchema } from './calls';
import { callLogIdSchema, instantSchema, isoDateTimeSchema, pageAnswerSchema, paginationQueryShape, resourceIdSchema } from './common';
import { retryPolicyOverrideSchema } from './retry-policy';

/**
 * Scheduled calls and recurring series. Time-zone names and window order are checked here by shape;
 * the calling-window rules (start before end, overlap with the legal window) are checked by the API
 * with the pure functions of domain/daily-window, so each problem gets its own error code.
 */

export const timeZoneSchema = z.string().max(64).refine(isValidTimeZone, 'must be an IANA time zone such as Asia/Kolkata');

export const timeOfDaySchema = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?|24:00)$/, 'must be HH:mm or HH:mm:ss');

/** 0 = Sunday … 6 = Saturday, as in the seed. Problems beyond shape are reported by describeWindowProblem. */
export const businessHoursSchema = z.strictObject({
  start: z.string().max(8),
  end: z.string().max(8),
  /** Defaults to the request's time zone. */
  timezone: z.string().max(64).optional(),
  daysOfWeek: z.array(z.int()).max(7).optional(),
});
export type BusinessHoursRequest = z.infer<typeof businessHoursSchema>;

/** An ISO date-time; without an offset it is a wall-clock time in the request's time zone. */
export const localOrZonedDateTimeSchema = z.union([isoDateTimeSchema, z.iso.datetime({ local: true })]);

export const scheduleCallSchema = z.strictObject({
  phoneNumber: z.string().max(64),
  agentId: resourceIdSchema,
  scheduledFor: localOrZonedDateTimeSchema,
  /** The callee's time zone: local times, business hours and the legal window are read there. */
  timezone: z.string().max(64).optional(),
  metadata: callMetadataSchema.optional(),
  respectBusinessHours: z.boolean().default(false),
  businessHours: businessHoursSchema.optional(),
  priority: z.enum(PRIORITIES).default('medium'),
  retryPolicy: retryPolicyOverrideSchema.optional(),
  ringTimeoutSec: z.int().min(5).max(120).optional(),
  /** Record the conversation; absent: the agent's `record` setting. */
  record: z.boolean().optional(),
  /** As on POST /calls/outbound: this call's text-to-speech provider (docs/premium-voice.md). */
  ttsProvider: z.enum(TTS_PROVIDERS).optional(),
});
export type ScheduleCallRequest = z.infer<typeof scheduleCallSchema>;

export const SCHEDULE_STATUSES = ['pending', 'processing', 'completed', 'cancelled', 'failed'] as const;

export const listScheduledQuerySchema = z
  .object({
    ...paginationQueryShape,
    agentId: resourceIdSchema.optional(),
    status: z.enum(SCHEDULE_STATUSES).optional(),
    seriesId: resourceIdSchema.optional(),
    from: isoDateTimeSchema.optional(),
    to: isoDateTimeSchema.optional(),
  })
  .refine((query) => !query.from || !query.to || Date.parse(query.from) <= Date.parse(query.to), {
    message: 'from must not be after to',
    path: ['from'],
  });

export const scheduleIdParamsSchema = z.object({ scheduleId: callLogIdSchema });

export const rescheduleSchema = z.strictObject({
  scheduledFor: localOrZonedDateTimeSchema,
  /** Reads an offset-less scheduledFor; defaults to the schedule's own time zone. */
  timezone: z.string().max(64).optional(),
});

export const FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;

const localDateSchema = z.iso.date();

export const createSeriesSchema = z.strictObject({
  id: resourceIdSchema.optional(),
  phoneNumber: z.string().max(64),
  agentId: resourceIdSchema,
  frequency: z.enum(FREQUENCIES),
  interval: z.int().min(1).max(365).default(1),
  /** Local date in `timezone`; defaults to today there. */
  startDate: localDateSchema.optional(),
  timeOfDay: z.string().max(8),
  timezone: z.string().max(64).optional(),
  daysOfWeek: z.array(z.int()).max(7).optional(),
  dayOfMonth: z.int().optional(),
  endDate: localDateSchema.optional(),
  maxOccurrences: z.int().min(1).max(100_000).optional(),
  respectBusinessHours: z.boolean().default(false),
  businessHours: businessHoursSchema.optional(),
  priority: z.enum(PRIORITIES).default('medium'),
  retryPolicy: retryPolicyOverrideSchema.optional(),
  metadata: callMetadataSchema.optional(),
  ringTimeoutSec: z.int().min(5).max(120).optional(),
});
export type CreateSeriesRequest = z.infer<typeof createSeriesSchema>;

export const SERIES_STATUSES = ['active', 'paused', 'cancelled', 'completed'] as const;

export const listSeriesQuerySchema = z.object({
  ...paginationQueryShape,
  agentId: resourceIdSchema.optional(),
  status: z.enum(SERIES_STATUSES).optional(),
});

export const seriesIdParamsSchema = z.object({ seriesId: resourceIdSchema });

export const SERIES_ACTIONS = ['pause', 'resume', 'skip', 'cancel'] as const;
export const seriesActionParamsSchema = z.object({ seriesId: resourceIdSchema, action: z.enum(SERIES_ACTIONS) });

const storedObjectSchema = z.record(z.string(), z.unknown());

/** Business hours as stored: the request's window with its time zone filled in. */
const businessHoursAnswerSchema = z.object({ start: z.string(), end: z.string(), timezone: z.string(), daysOfWeek: z.array(z.int()) });

/** A scheduled call as stored: `scheduledFor` as asked, `effectiveAt` as moved into the calling windows. */
export const scheduleAnswerSchema = z.object({
  scheduleId: z.string(),
  callLogId: z.string(),
  workflowId: z.string(),
  status: z.enum(SCHEDULE_STATUSES),
  phoneNumber: z.string(),
  agentId: z.string(),
  scheduledFor: instantSchema,
  effectiveAt: instantSchema,
  timezone: z.string(),
  respectBusinessHours: z.boolean(),
  businessHours: businessHoursAnswerSchema.nullable(),
  priority: z.enum(PRIORITIES),
  seriesId: z.string().nullable(),
  occurrence: z.int().nullable(),
  finalStatus: z.string().nullable(),
  finalFailureReason: z.string().nullable(),
  prewarmedAt: instantSchema.nullable(),
  metadata: storedObjectSchema,
  statusUrl: z.string(),
  createdAt: instantSchema,
  updatedAt: instantSchema,
});

/** 201 for a new booking; 200 with `idempotentReplay` for a repeat of its Idempotency-Key. */
export const scheduledCallAnswerSchema = scheduleAnswerSchema.extend({
  windowMoved: z.boolean(),
  idempotentReplay: z.literal(true).optional(),
});

export const schedulePageAnswerSchema = pageAnswerSchema(scheduleAnswerSchema);

export const rescheduledAnswerSchema = z.object({ scheduleId: z.string(), effectiveAt: instantSchema, moved: z.boolean() });

export const scheduleCancelAnswerSchema = z.object({ scheduleId: z.string(), callLogId: z.string(), cancelRequested: z.literal(true) });

/** A series with its next occurrences: from its workflow while it runs (`live: true`), else computed from the stored rule. */
export const seriesAnswerSchema = z.object({
  seriesId: z.string(),
  workflowId: z.string(),
  status: z.enum(SERIES_STATUSES),
  agentId: z.string(),
  phoneNumber: z.string(),
  frequency: z.enum(FREQUENCIES),
  interval: z.int().min(1),
  daysOfWeek: z.array(z.int()),
  dayOfMonth: z.int().nullable(),
  timeOfDay: z.string(),
  timezone: z.string(),
  startDate: z.string(),
  endDate: z.string().nullable(),
  maxOccurrences: z.int().nullable(),
  businessHours: businessHoursAnswerSchema.nullable(),
  /** What each occurrence's call is placed with. */
  callTemplate: z.object({ priority: z.enum(PRIORITIES), retryPolicy: retryPolicyOverrideSchema.nullable(), metadata: storedObjectSchema }),
  occurrencesStarted: z.int().min(0),
  nextOccurrenceAt: instantSchema.nullable(),
  /** `at` is the rule's time, `effectiveAt` that time moved into the calling windows (null: no callable time). */
  nextOccurrences: z.array(z.object({ occurrence: z.int().min(1), at: instantSchema, effectiveAt: instantSchema.nullable() })),
  lastCallId: z.string().nullable(),
  pendingSkips: z.int().min(0),
  /** Occurrences passed without a call, and why (skipped_by_request, paused, previous_still_running, …). */
  skipped: z.array(z.object({ occurrence: z.int().min(1), at: instantSchema, reason: z.string() })),
  statusReason: z.string().nullable(),
  live: z.boolean(),
  createdAt: instantSchema,
  updatedAt: instantSchema,
});

/** 201 for a new series; 200 with `idempotentReplay` for a repeat of its Idempotency-Key or id. */
export const createdSeriesAnswerSchema = seriesAnswerSchema.extend({ idempotentReplay: z.literal(true).optional() });

export const seriesPageAnswerSchema = pageAnswerSchema(seriesAnswerSchema);
