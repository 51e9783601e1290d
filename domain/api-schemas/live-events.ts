import { z } from 'zod';
import { CALL_STATUSES } from '../call-status';
import { campaignAnswerSchema } from './campaigns';
import { callLogIdSchema, instantSchema } from './common';

/**
 * The payloads of the server-sent event streams (docs/api.md, "Live updates"): each event's `data` is
 * one of these as JSON. The streams send them; the OpenAPI document describes them from here.
 */

const WAIT_REASONS = ['line_busy', 'circuit_open', 'scheduled', 'calling_window', 'retry_backoff'] as const;

/** Where the call stands: sent at once on connecting, then whenever any field changes. */
export const callPhaseEventSchema = z.object({
  callLogId: callLogIdSchema,
  status: z.enum(CALL_STATUSES),
  /** The attempt under way (or the last one). */
  attempt: z.int().min(1),
  /** Why a call that is not dialing waits; null otherwise. */
  waitReason: z.enum(WAIT_REASONS).nullable(),
  nextAttemptAt: instantSchema.nullable(),
  failureReason: z.string().nullable(),
  /** True when read from the running workflow, false when from the database (workflow finished or not answering). */
  live: z.boolean(),
});
export type CallPhaseEvent = z.infer<typeof callPhaseEventSchema>;

/** One transcript turn, as the media server wrote it; its event id is `<attempt>.<turn>`. */
export const callTurnEventSchema = z.object({
  attempt: z.int().min(1),
  turn: z.int().min(1),
  speaker: z.enum(['bot', 'caller']),
  text: z.string(),
  startedAt: instantSchema,
  endedAt: instantSchema.nullable(),
  interrupted: z.boolean(),
});
export type CallTurnEvent = z.infer<typeof callTurnEventSchema>;

/**
 * The call has finished: the last event of the stream. `status` is terminal, unless an operator ended
 * the workflow by hand (terminate), which leaves the last status recorded.
 */
export const callEndEventSchema = z.object({
  callLogId: callLogIdSchema,
  status: z.enum(CALL_STATUSES),
  failureReason: z.string().nullable(),
  attempts: z.int().min(1),
});
export type CallEndEvent = z.infer<typeof callEndEventSchema>;

export const CALL_STREAM_EVENTS = { phase: callPhaseEventSchema, turn: callTurnEventSchema, end: callEndEventSchema } as const;

/** A campaign's progress: sent at once on connecting, then whenever it changes; `end` carries the final one. */
export const campaignProgressEventSchema = campaignAnswerSchema.pick({
  batchId: true,
  status: true,
  progress: true,
  startedAt: true,
  completedAt: true,
  live: true,
});
export type CampaignProgressEvent = z.infer<typeof campaignProgressEventSchema>;

export const CAMPAIGN_STREAM_EVENTS = { progress: campaignProgressEventSchema, end: campaignProgressEventSchema } as const;

/** The `Last-Event-ID` a client sends when it reconnects: the id of the last turn it received. */
export const lastEventIdHeaderSchema = z.object({
  'last-event-id': z.string().max(64).optional(),
});
