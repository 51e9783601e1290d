import { condition, log } from '@temporalio/workflow';
import { attemptCallLogId, retryAttemptKey } from '../../domain/attempt-address';
import type { CallWorkflowResult } from '../../domain/call-workflow-types';
import type { FailureReason } from '../../domain/failure-reason';
import type { RetryDecision } from '../../domain/retry-policy';
import { prewarming, records, scheduleRecords } from './activities';
import { nowIso, type Call } from './call';
import type { AttemptState } from './attempt';
import { finish } from './finish';

/**
 * When the call may dial: its scheduled time or the next opening of its calling windows before the
 * first dial, its backoff before a retry. A reschedule moves the time, a cancel or retry-now ends the wait.
 */

/** Waits for the first dial; a result when the call ended before it. */
export async function waitForFirstDialTime(call: Call): Promise<CallWorkflowResult | undefined> {
  const placed = call.placeInWindows(call.nextAttemptAt ?? Date.now(), false);
  if (!placed.ok) {
    // The API refuses such windows; a workflow started some other way ends loudly instead of waiting forever.
    log.error('the call has no time inside its calling windows', { message: placed.message });
    await call.record(call.startAttempt(), { status: 'failed', failureReason: 'configuration_error' });
    return finish(call, 'failed', 'configuration_error');
  }
  if (placed.at > Date.now()) call.nextAttemptAt = placed.at;
  if (call.nextAttemptAt === null || call.nextAttemptAt <= Date.now()) return undefined;

  call.waitReason = call.input.scheduledFor ? 'scheduled' : 'calling_window';
  call.setPhase('scheduled', 1);
  await waitForDialTime(call, false);
  if (!call.cancelRequested) return undefined;
  await call.record(call.startAttempt(), { status: 'cancelled', failureReason: 'cancelled' });
  return finish(call, 'cancelled', 'cancelled');
}

/** Waits out a retry's backoff; a result when the call was cancelled during it. */
export async function waitForRetryTime(
  call: Call,
  attempt: AttemptState,
  reason: FailureReason,
  decision: Extract<RetryDecision, { retry: true }>,
): Promise<CallWorkflowResult | undefined> {
  call.retriesByReason[reason] = decision.retryNumber;
  call.nextAttemptAt = Date.now() + decision.delayMs;
  const placed = call.placeInWindows(call.nextAttemptAt, true);
  if (placed.ok) call.nextAttemptAt = placed.at;
  call.waitReason = 'retry_backoff';
  call.setPhase('retry_scheduled', attempt.number);
  const retryKey = retryAttemptKey(call.input.callId, attempt.number + 1);
  await records.recordRetryScheduled({
    ...retryKey,
    callLogId: attemptCallLogId(call.input.callId, attempt.number + 1),
    reason,
    delayMs: decision.delayMs,
    scheduledFor: new Date(call.nextAttemptAt).toISOString(),
  });
  await call.announce('call.retry_scheduled', attempt.number, reason);
  await waitForDialTime(call, true);
  if (call.cancelRequested) {
    await records.recordRetryStatus({ ...retryKey, status: 'cancelled', at: nowIso() });
    return finish(call, 'cancelled', 'cancelled');
  }
  await records.recordRetryStatus({ ...retryKey, status: 'dialed', at: nowIso() });
  return undefined;
}

/** Sleeps until `nextAttemptAt`. Before a scheduled first dial the greeting is warmed once, `prewarmLeadMs` ahead. */
async function waitForDialTime(call: Call, forRetry: boolean): Promise<void> {
  let prewarmed = forRetry || !call.input.prewarmLeadMs;
  while (!call.cancelRequested && !call.retryNowRequested && call.nextAttemptAt !== null && call.nextAttemptAt > Date.now()) {
    const target: number = call.nextAttemptAt;
    const prewarmAt = prewarmed ? target : target - (call.input.prewarmLeadMs ?? 0);
    if (prewarmAt <= Date.now()) {
      prewarmed = true;
      void prewarmGreeting(call);
      continue;
    }
    const moved = await condition(
      () => call.cancelRequested || call.retryNowRequested || call.nextAttemptAt !== target,
      Math.max(1, prewarmAt - Date.now()),
    );
    if (moved && call.nextAttemptAt !== target && call.nextAttemptAt !== null) await rescheduled(call, forRetry);
  }
}

async function rescheduled(call: Call, forRetry: boolean): Promise<void> {
  call.setPhase(call.phase, Math.max(1, call.current?.number ?? 1));
  if (call.nextAttemptAt === null) return;
  const effectiveAt = new Date(call.nextAttemptAt).toISOString();
  const last = call.current;
  if (forRetry && last) {
    await records.recordRetryScheduled({
      ...retryAttemptKey(call.input.callId, last.number + 1),
      callLogId: attemptCallLogId(call.input.callId, last.number + 1),
      reason: last.outcome?.failureReason ?? 'rescheduled',
      delayMs: Math.max(0, call.nextAttemptAt - Date.now()),
      scheduledFor: effectiveAt,
    });
  } else if (!forRetry && call.input.scheduledCallId) {
    await scheduleRecords.recordScheduleStatus({ scheduledCallId: call.input.scheduledCallId, effectiveAt });
  }
}

/** Runs beside the wait: a slow or failed synthesis must never delay the dial. */
async function prewarmGreeting(call: Call): Promise<void> {
  const { input } = call;
  try {
    await prewarming.prewarmGreeting({ agentId: input.agentId, metadata: input.metadata ?? {}, priority: input.priority, ...(input.ttsProvider && { ttsProvider: input.ttsProvider }) });
    if (input.scheduledCallId) await scheduleRecords.recordScheduleStatus({ scheduledCallId: input.scheduledCallId, prewarmedAt: nowIso() });
  } catch (err) {
    log.warn('greeting prewarm failed; the call will synthesize it live', { error: String(err) });
  }
}
