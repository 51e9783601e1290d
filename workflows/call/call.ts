import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { AttemptRecord } from '../../domain/attempt-record';
import { nextCallableTime } from '../../domain/daily-window';
import { firstDialWindows, retryWindows } from '../../domain/call-window-settings';
import type { AttemptOutcome } from '../../domain/call-outcome';
import { ATTEMPT_KEY, CALL_STATUS_KEY, NEXT_ATTEMPT_AT_KEY, searchAttributeChange, type CallSearchState } from '../../domain/call-search-attributes';
import { CALL_STATUSES, type CallStatus } from '../../domain/call-status';
import { DEFAULT_CALL_TIMINGS, type CallTimings } from '../../domain/call-timings';
import type { CallWorkflowInput, CallWorkflowStatus, WaitReason } from '../../domain/call-workflow-types';
import type { FailureReason, RecordedFailureReason } from '../../domain/failure-reason';
import type { CallEventType } from '../../domain/outcome-webhooks';
import { resolveRetryPolicy } from '../../domain/retry-policy';
import { exotelActivities, outcomeWebhooks, records, type ExotelCalls } from './activities';
import { newAttempt, viewOf, type AttemptState } from './attempt';

const DEFAULT_RING_TIMEOUT_SEC = 30;

/**
 * One logical customer call: what the call workflow knows between its tasks (phase, attempts, what
 * it has been asked to do), written to its records and search attributes as it changes.
 */
export class Call {
  readonly workflowId = workflowInfo().workflowId;
  readonly timings: CallTimings;
  readonly exotel: ExotelCalls;
  readonly policy: ReturnType<typeof resolveRetryPolicy>;
  readonly ringTimeoutSec: number;

  phase: CallStatus = 'waiting_for_line';
  waitReason: WaitReason | null = null;
  nextAttemptAt: number | null;
  cancelRequested = false;
  cancelReason = 'cancelled';
  /** A live conversation gets the agent's goodbye; a call answered after its cancel is closed at once. */
  cancelledWhileLive = false;
  retryNowRequested = false;
  /** Set by a cancel that came while an attempt was under way and only stops what comes after it. */
  retriesWithdrawn = false;
  lastOutcome: AttemptOutcome | null = null;
  finalReason: RecordedFailureReason | null = null;
  readonly retriesByReason: Partial<Record<FailureReason, number>> = {};
  readonly attempts: AttemptState[] = [];
  /** What the call's search attributes say now: its starter set the first ones. */
  private searchState: CallSearchState | null = startingSearchState();

  constructor(readonly input: CallWorkflowInput) {
    this.timings = { ...DEFAULT_CALL_TIMINGS, ...input.timings };
    this.exotel = exotelActivities(input.exotelTaskQueue ?? 'ringline-exotel');
    this.policy = resolveRetryPolicy(input.retryPolicy);
    this.ringTimeoutSec = input.ringTimeoutSec ?? DEFAULT_RING_TIMEOUT_SEC;
    this.nextAttemptAt = input.scheduledFor ? Date.parse(input.scheduledFor) : null;
  }

  get current(): AttemptState | undefined {
    return this.attempts[this.attempts.length - 1];
  }

  startAttempt(): AttemptState {
    const attempt = newAttempt(this.attempts.length + 1);
    this.attempts.push(attempt);
    return attempt;
  }

  /** How long the gate lets an attempt hold its line before reclaiming it. */
  get lineLeaseMs(): number {
    return (this.ringTimeoutSec + this.input.maxCallDurationSec) * 1000 + this.timings.ringGraceMs + this.timings.callGraceMs;
  }

  setPhase(next: CallStatus, attempt: number): void {
    this.phase = next;
    const state = { status: next, attempt, nextAttemptAt: this.nextAttemptAt };
    const change = searchAttributeChange(this.searchState, state);
    if (!change) return;
    upsertSearchAttributes(change);
    this.searchState = state;
  }

  /** Attempt 1's row was written by the starter with the status a queued attempt has: no write needed. */
  queuedRowWritten(attempt: AttemptState): boolean {
    return attempt.number === 1 && this.input.firstAttemptRow === 'waiting_for_line';
  }

  cancel(reason: string | undefined): void {
    if (this.cancelRequested) return;
    this.cancelRequested = true;
    this.cancelReason = reason ?? 'cancelled';
    this.cancelledWhileLive = this.phase === 'in_progress';
  }

  get attemptUnderWay(): boolean {
    return this.phase === 'dialing' || this.phase === 'ringing' || this.phase === 'in_progress';
  }

  /** Where a requested time lands once the call's windows apply (retries also keep out of peak hours). */
  placeInWindows(at: number, forRetry: boolean) {
    const windows = this.input.callingWindow;
    if (!windows) return { ok: true as const, at, moved: false };
    return nextCallableTime(at, forRetry ? retryWindows(windows) : firstDialWindows(windows));
  }

  record(attempt: AttemptState, fields: Partial<AttemptRecord>): Promise<void> {
    const { input } = this;
    return records.recordAttempt({
      callId: input.callId,
      orgId: input.orgId,
      attempt: attempt.number,
      phoneNumber: input.phoneNumber,
      agentId: input.agentId,
      priority: input.priority,
      workflowId: this.workflowId,
      campaignId: input.campaignId,
      seriesId: input.seriesId,
      scheduledCallId: input.scheduledCallId,
      metadata: input.metadata,
      ttsProvider: input.ttsProvider,
      status: this.phase,
      ...fields,
    });
  }

  /** Tells the call's outcome webhook (if it has one) what was just decided about `attempt`. */
  announce(type: CallEventType, attempt: number, failureReason: RecordedFailureReason | null): Promise<void> {
    const { input } = this;
    return outcomeWebhooks.announceCallEvent({
      type,
      callId: input.callId,
      orgId: input.orgId,
      attempt,
      status: this.phase,
      failureReason,
      attempts: this.attempts.length,
      agentId: input.agentId,
      campaignId: input.campaignId,
      metadata: input.metadata,
      nextAttemptAt: type === 'call.retry_scheduled' && this.nextAttemptAt !== null ? new Date(this.nextAttemptAt).toISOString() : undefined,
      callbackUrl: input.callbackUrl,
      occurredAt: nowIso(),
    });
  }

  status(): CallWorkflowStatus {
    return {
      callId: this.input.callId,
      phase: this.phase,
      attempt: this.current?.number ?? 0,
      attempts: this.attempts.map((a) => viewOf(this.input.callId, a)),
      nextAttemptAt: this.nextAttemptAt === null ? null : new Date(this.nextAttemptAt).toISOString(),
      waitReason: this.waitReason,
      lastOutcome: this.lastOutcome,
      finalReason: this.finalReason,
      cancelRequested: this.cancelRequested,
      retriesByReason: { ...this.retriesByReason },
    };
  }
}

function startingSearchState(): CallSearchState | null {
  const attributes = workflowInfo().typedSearchAttributes;
  const status = attributes.get(CALL_STATUS_KEY);
  if (!status || !(CALL_STATUSES as readonly string[]).includes(status)) return null;
  return { status: status as CallStatus, attempt: attributes.get(ATTEMPT_KEY) ?? 1, nextAttemptAt: attributes.get(NEXT_ATTEMPT_AT_KEY)?.getTime() ?? null };
}

export function nowIso(): string {
  return new Date().toISOString();
}
