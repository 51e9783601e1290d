import type { TerminalCallStatus } from './call-status';
import type { CampaignStatus } from './campaign-types';

/**
 * Outcome webhooks (docs/webhooks.md): the events Ringline posts to a client's callback URL when a
 * call or campaign reaches an outcome, and what the delivery workflow and its records share.
 */

export const CALL_EVENT_TYPES = ['call.completed', 'call.failed', 'call.voicemail', 'call.cancelled', 'call.retry_scheduled'] as const;
export const OUTCOME_EVENT_TYPES = [...CALL_EVENT_TYPES, 'campaign.finished'] as const;
export type CallEventType = (typeof CALL_EVENT_TYPES)[number];
export type OutcomeEventType = (typeof OUTCOME_EVENT_TYPES)[number];

/** The event a call's final status announces. */
export function callEventTypeOf(status: TerminalCallStatus): CallEventType {
  const types: Record<TerminalCallStatus, CallEventType> = {
    completed: 'call.completed',
    failed: 'call.failed',
    voicemail: 'call.voicemail',
    cancelled: 'call.cancelled',
  };
  return types[status];
}

/** What the call workflow knows when an outcome is decided; the event's `data` is made from it. */
export interface CallEventFacts {
  type: CallEventType;
  callId: string;
  orgId?: string;
  /** The attempt the event is about (the last one for a final outcome, the failed one for a retry). */
  attempt: number;
  status: string;
  failureReason: string | null;
  attempts: number;
  agentId: string;
  campaignId?: string;
  metadata?: Record<string, unknown>;
  /** ISO; for `call.retry_scheduled`, when the next attempt dials. */
  nextAttemptAt?: string;
  /** The call's own or its campaign's callback URL; absent = the organization's default, when enabled. */
  callbackUrl?: string;
  /** ISO; workflow time, so that a retried announcement carries the same time. */
  occurredAt: string;
}

export interface CampaignEventFacts {
  campaignId: string;
  orgId?: string;
  status: CampaignStatus;
  counts: { total: number; dispatched: number; finished: number; outcomes: Partial<Record<TerminalCallStatus, number>> };
  callbackUrl?: string;
  occurredAt: string;
}

/** The body posted to the callback URL. `id` is stable: the same outcome always carries the same id. */
export interface OutcomeEvent {
  id: string;
  type: OutcomeEventType;
  createdAt: string;
  data: Record<string, unknown>;
}

/** What identifies one outcome, whatever retries announce it: hashed into the event id. */
export function callEventKey(facts: Pick<CallEventFacts, 'callId' | 'attempt' | 'type'>): string {
  return `call:${facts.callId}:${facts.attempt}:${facts.type}`;
}

export function campaignEventKey(campaignId: string): string {
  return `campaign:${campaignId}:campaign.finished`;
}

export function callEventData(facts: CallEventFacts): Record<string, unknown> {
  return {
    callId: facts.callId,
    callLogId: facts.callId,
    attempt: facts.attempt,
    attempts: facts.attempts,
    status: facts.status,
    failureReason: facts.failureReason,
    agentId: facts.agentId,
    campaignId: facts.campaignId ?? null,
    metadata: facts.metadata ?? {},
    ...(facts.nextAttemptAt !== undefined && { nextAttemptAt: facts.nextAttemptAt }),
  };
}

export function campaignEventData(facts: CampaignEventFacts): Record<string, unknown> {
  return { campaignId: facts.campaignId, batchId: facts.campaignId, status: facts.status, ...facts.counts };
}

/** One event on its way to one URL, as the delivery workflow receives it by signal. */
export interface OutcomeDelivery {
  orgId: string;
  url: string;
  event: OutcomeEvent;
  callId?: string;
  campaignId?: string;
}

/** A delivery attempt's record: `retrying` until one succeeds (`delivered`) or the retries give up (`failed`). */
export const DELIVERY_STATUSES = ['delivered', 'retrying', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Retries of one event: quick at first, then hourly, for a day; then the event is recorded as failed. */
export const DELIVERY_RETRY = {
  initialIntervalMs: 5_000,
  backoffCoefficient: 2,
  maximumIntervalMs: 60 * 60_000,
  giveUpAfterMs: 24 * 60 * 60_000,
  /** One POST: a receiver must answer within this. */
  requestTimeoutMs: 10_000,
} as const;
