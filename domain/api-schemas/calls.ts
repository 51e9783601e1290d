import { z } from 'zod';
import { EXOTEL_TERMINAL_STATUSES } from '../call-outcome';
import { CALL_STATUSES, TERMINAL_CALL_STATUSES } from '../call-status';
import { WAIT_REASONS } from '../call-workflow-types';
import { exhausted, FAILURE_REASONS } from '../failure-reason';
import { PRIORITIES } from '../priority';
import { TTS_PROVIDERS } from '../speech/tts-provider';
import { reportBoundary } from '../report-boundary';
import { greetingCacheSchema } from './analytics';
import { callLogIdSchema, instantSchema, isoDateTimeSchema, reportBoundarySchema, resourceIdSchema } from './common';
import { callbackUrlSchema } from './outcome-webhooks';
import { retryPolicyOverrideSchema } from './retry-policy';

/** Metadata travels in the workflow input and history and in every CallLog row, so it stays small. */
export const METADATA_MAX_BYTES = 8 * 1024;

/** MongoDB reserves `$`-prefixed names and reads dots as paths; such keys would not round-trip. */
function hasStorableKeys(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(hasStorableKeys);
  if (value === null || typeof value !== 'object') return true;
  return Object.entries(value).every(([key, item]) => !key.startsWith('$') && !key.includes('.') && hasStorableKeys(item));
}

export const callMetadataSchema = z
  .record(z.string(), z.unknown())
  .refine((metadata) => new TextEncoder().encode(JSON.stringify(metadata)).length <= METADATA_MAX_BYTES, {
    message: `must be at most ${METADATA_MAX_BYTES} bytes as JSON`,
  })
  .refine(hasStorableKeys, { message: 'keys must not start with $ or contain a dot' });

export const outboundCallSchema = z.strictObject({
  phoneNumber: z.string().max(64),
  agentId: resourceIdSchema,
  priority: z.enum(PRIORITIES).default('medium'),
  metadata: callMetadataSchema.optional(),
  retryPolicy: retryPolicyOverrideSchema.optional(),
  scheduledFor: isoDateTimeSchema.optional(),
  /** Exotel's TimeOut; the account's default applies when absent. */
  ringTimeoutSec: z.int().min(5).max(120).optional(),
  /** Record the conversation; absent: the agent's `record` setting. */
  record: z.boolean().optional(),
  /** The text-to-speech provider for this call; absent: the agent's, or ElevenLabs by the premium rules (docs/premium-voice.md). */
  ttsProvider: z.enum(TTS_PROVIDERS).optional(),
  /** Where the call's outcome webhooks go, signed with the organization's secret (docs/webhooks.md). */
  callbackUrl: callbackUrlSchema.optional(),
});
export type OutboundCallRequest = z.infer<typeof outboundCallSchema>;

export const callLogIdParamsSchema = z.object({ callLogId: callLogIdSchema });

export const cancelCallSchema = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });

/**
 * The stats period: either end may be open; bare dates are days in `zone` (ACCOUNT_TIMEZONE), `to`
 * taking its whole day in (domain/report-boundary).
 */
export function callStatsQuerySchema(zone: string) {
  return z
    .object({ from: reportBoundarySchema.optional(), to: reportBoundarySchema.optional(), agentId: resourceIdSchema.optional() })
    .transform((query, ctx) => {
      const from = query.from === undefined ? undefined : reportBoundary(query.from, 'from', zone);
      const to = query.to === undefined ? undefined : reportBoundary(query.to, 'to', zone);
      if (from === null || to === null) {
        ctx.addIssue({ code: 'custom', path: [from === null ? 'from' : 'to'], message: 'must be a real date or date-time' });
        return z.NEVER;
      }
      if (from && to && from.getTime() > to.getTime()) {
        ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must not be after to' });
        return z.NEVER;
      }
      return { from, to, agentId: query.agentId };
    });
}

/** Fields the API reports as they are stored and does not describe further here: see the linked docs. */
const openObjectSchema = z.record(z.string(), z.unknown());

/** A call taken (202): it dials now, or at `effectiveAt` when the calling windows moved it. */
export const acceptedCallAnswerSchema = z.object({
  callLogId: z.string(),
  workflowId: z.string(),
  status: z.enum(CALL_STATUSES),
  statusUrl: z.string(),
  effectiveAt: instantSchema.optional(),
  windowMoved: z.boolean().optional(),
  /** Only on a repeat of an Idempotency-Key: the call the first request placed. */
  idempotentReplay: z.literal(true).optional(),
});

/** What the call view and the call list both say of one attempt. */
const attemptSummaryShape = {
  attempt: z.int().min(1),
  callLogId: callLogIdSchema,
  status: z.enum(CALL_STATUSES),
  outboundStatus: z.string().nullable(),
  failureReason: z.string().nullable(),
  exotelCallSid: z.string().nullable(),
};

/** What the call view and the call list both say of a call, besides its id and times. */
const callSummaryShape = {
  workflowId: z.string(),
  status: z.enum(CALL_STATUSES),
  failureReason: z.string().nullable(),
  direction: z.enum(['outbound', 'inbound']),
  phoneNumber: z.string(),
  agentId: z.string(),
  priority: z.enum(PRIORITIES),
  campaignId: z.string().nullable(),
  seriesId: z.string().nullable(),
  scheduledCallId: z.string().nullable(),
};

/** When an attempt reached each step, as far as it got; `durationSec` is Exotel's talk time once known. */
const attemptTimingsSchema = z.object({
  queuedAt: isoDateTimeSchema.optional(),
  dialedAt: isoDateTimeSchema.optional(),
  ringingAt: isoDateTimeSchema.optional(),
  answeredAt: isoDateTimeSchema.optional(),
  mediaStartedAt: isoDateTimeSchema.optional(),
  endedAt: isoDateTimeSchema.optional(),
  durationSec: z.number().optional(),
});

const callAttemptAnswerSchema = z.object({ ...attemptSummaryShape, timings: attemptTimingsSchema, recordingUrl: z.string().nullable() });

/** One turn of the conversation as the media server wrote it; `interrupted`: the caller spoke over the bot. */
const transcriptTurnAnswerSchema = z.object({
  turn: z.int().min(1),
  speaker: z.enum(['bot', 'caller']),
  text: z.string(),
  startedAt: instantSchema,
  endedAt: instantSchema.optional(),
  interrupted: z.boolean(),
});

const attemptOutcomeAnswerSchema = z.object({ status: z.enum(TERMINAL_CALL_STATUSES), failureReason: z.string().nullable() });

/** The running workflow's own view of the call (its status query), ahead of the database while the call lives. */
const liveCallAnswerSchema = z.object({
  callId: z.string(),
  phase: z.enum(CALL_STATUSES),
  attempt: z.int().min(1),
  attempts: z.array(
    z.object({
      attempt: z.int().min(1),
      callLogId: z.string(),
      callSid: z.string().optional(),
      /** Exotel's last status of the attempt: in-progress, or its terminal status. */
      exotelStatus: z.enum([...EXOTEL_TERMINAL_STATUSES, 'in-progress']).optional(),
      answered: z.boolean(),
      mediaConnected: z.boolean(),
      outcome: attemptOutcomeAnswerSchema.optional(),
      startedAt: isoDateTimeSchema.optional(),
      endedAt: isoDateTimeSchema.optional(),
    }),
  ),
  nextAttemptAt: isoDateTimeSchema.nullable(),
  /** Why a call that is not dialing waits. */
  waitReason: z.enum(WAIT_REASONS).nullable(),
  lastOutcome: attemptOutcomeAnswerSchema.nullable(),
  finalReason: z.string().nullable(),
  cancelRequested: z.boolean(),
  retriesByReason: z.record(z.string(), z.int().min(0)),
});

/** A call with every attempt, its transcript and, while its workflow runs, the workflow's live view. */
export const callViewAnswerSchema = z.object({
  callLogId: callLogIdSchema,
  callId: z.string(),
  ...callSummaryShape,
  /** The first attempt's timings. */
  timings: attemptTimingsSchema,
  metadata: openObjectSchema,
  createdAt: instantSchema,
  updatedAt: instantSchema,
  attempts: z.array(callAttemptAnswerSchema),
  /** The latest attempt's conversation. */
  transcript: z.array(transcriptTurnAnswerSchema),
  live: liveCallAnswerSchema.nullable(),
});

export const cancelRequestedAnswerSchema = z.object({ callLogId: z.string(), cancelRequested: z.literal(true) });

const rateFields = {
  /** Logical calls (first attempts) created in the period, and attempts after the first. */
  calls: z.int().nonnegative(),
  retries: z.int().nonnegative(),
  /** Completed calls over finished ones, in [0, 1]. */
  successRate: z.number().min(0).max(1),
  /** Retries per logical call. */
  retryRate: z.number().nonnegative(),
  totalDurationSec: z.number().nonnegative(),
  /** Null when no attempt has a duration yet. */
  averageDurationSec: z.number().nonnegative().nullable(),
  callsPerHour: z.number().nonnegative(),
  callsPerDay: z.number().nonnegative(),
};

const countsByName = z.record(z.string(), z.int().nonnegative());

/** The answer of `GET /calls/outbound/stats`. */
export const callStatsAnswerSchema = z.object({
  lineGate: z.enum(['running', 'not_started', 'unavailable']),
  lines: z.object({
    limit: z.int().nonnegative(),
    active: z.int().nonnegative(),
    waiting: z.object({ high: z.int().nonnegative(), medium: z.int().nonnegative(), low: z.int().nonnegative() }),
    waitingTotal: z.int().nonnegative(),
    utilization: z.number().nonnegative(),
  }),
  circuitBreaker: z.object({
    state: z.string(),
    consecutiveFailures: z.int().nonnegative(),
    openUntil: z.string().nullable(),
    opensTotal: z.int().nonnegative(),
  }),
  attemptsTotal: z.int().nonnegative(),
  outcomes: countsByName,
  failureReasons: countsByName,
  /** The period the rates spread over: from the first call when `from` was open (null: no call at all), to now at the latest. */
  period: z.object({ from: z.iso.datetime().nullable(), to: z.iso.datetime() }),
  ...rateFields,
  greetingCache: greetingCacheSchema,
});

/** The answer of `GET /calls/:callLogId/recording`. */
export const callRecordingAnswerSchema = z.object({
  callLogId: z.string(),
  /** Exotel's recording of the conversation, under one of EXOTEL_RECORDING_URL_PREFIXES. */
  recordingUrl: z.url(),
  /** Exotel's duration of the recorded attempt, once known. */
  durationSec: z.number().nonnegative().optional(),
});

/** The call list's page size: a dashboard screen by default, bounded so one request stays cheap. */
export const CALL_LIST_DEFAULT_LIMIT = 50;
export const CALL_LIST_MAX_LIMIT = 200;


/** What a call's failure reason can be: an attempt's reason, or a reason whose retries ran out. */
export const CALL_LIST_FAILURE_REASONS = [...FAILURE_REASONS, ...FAILURE_REASONS.map(exhausted)];

/** Unknown parameters are refused, so a misspelt filter is an error instead of an unfiltered list. */
export const callListQuerySchema = z.strictObject({
  /** The call's logical outcome (domain/analytics/logical-outcome.ts), not one attempt's status. */
  status: z.enum(CALL_STATUSES).optional(),
  failureReason: z.enum(CALL_LIST_FAILURE_REASONS).optional(),
  agentId: resourceIdSchema.optional(),
  campaignId: resourceIdSchema.optional(),
  seriesId: resourceIdSchema.optional(),
  /** Any format the phone-number library reads; matched as E.164. */
  phoneNumber: z.string().trim().min(1).max(64).optional(),
  /** Calls created at or after `from` and before `to`. */
  from: reportBoundarySchema.optional(),
  to: reportBoundarySchema.optional(),
  limit: z.coerce.number().int().min(1).max(CALL_LIST_MAX_LIMIT).default(CALL_LIST_DEFAULT_LIMIT),
  /** `nextCursor` of the previous page. */
  cursor: z.string().min(1).max(400).optional(),
});
export type CallListQuery = z.infer<typeof callListQuerySchema>;

export const callListEntrySchema = z.object({
  callLogId: callLogIdSchema,
  ...callSummaryShape,
  createdAt: isoDateTimeSchema,
  updatedAt: isoDateTimeSchema,
  attemptCount: z.int().min(1),
  latestAttempt: z.object({
    ...attemptSummaryShape,
    timings: attemptTimingsSchema,
    createdAt: isoDateTimeSchema,
    updatedAt: isoDateTimeSchema,
  }),
});

export const callListAnswerSchema = z.object({
  data: z.array(callListEntrySchema),
  /** Null on the last page. */
  nextCursor: z.string().nullable(),
});
export type CallListAnswer = z.infer<typeof callListAnswerSchema>;
