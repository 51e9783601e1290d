import { log } from '@temporalio/workflow';
import type { AttemptOutcome } from '../../domain/call-outcome';
import type { CampaignCallFinished } from '../../domain/campaign-types';
import { isTerminalStatus, type CallStatus } from '../../domain/call-status';
import type { CallWorkflowResult } from '../../domain/call-workflow-types';
import type { FailureReason, RecordedFailureReason } from '../../domain/failure-reason';
import { exotelTimeToIso } from '../../domain/exotel-time';
import { callEventTypeOf } from '../../domain/outcome-webhooks';
import { decideRetry, type RetryDecision } from '../../domain/retry-policy';
import { scheduleStatusOf } from '../../domain/schedule-records';
import { records, scheduleRecords, signals } from './activities';
import { nowIso, type Call } from './call';
import type { AttemptState } from './attempt';

/** How an attempt's outcome ends the call or sends it to a retry, and what the call's end writes and tells (its records, schedule, webhook and campaign). */

export type NextStep =
  | { end: { status: CallStatus; failureReason: RecordedFailureReason | null }; retry?: undefined }
  | { end?: undefined; retry: { reason: FailureReason; decision: Extract<RetryDecision, { retry: true }> } };

/**
 * Records the attempt's end, decided first so that the last attempt's record also carries the call's
 * end (one database write fewer for a call that ends on it).
 */
export async function settleAttempt(call: Call, attempt: AttemptState, outcome: AttemptOutcome): Promise<NextStep> {
  attempt.outcome = outcome;
  call.lastOutcome = outcome;
  const step = nextStep(call, outcome);
  await call.record(attempt, {
    status: outcome.status,
    failureReason: outcome.failureReason,
    outboundStatus: attempt.exotelStatus,
    recordingUrl: attempt.recordingUrl,
    timings: { endedAt: (attempt.endTime && exotelTimeToIso(attempt.endTime)) || nowIso(), durationSec: attempt.durationSec },
    ...(attempt.terminalCallbackReceivedAt && { statusCallbackReceivedAt: { event: 'terminal', at: attempt.terminalCallbackReceivedAt } }),
    ...(step.end && { final: { ...step.end, attempts: call.attempts.length } }),
  });
  return step;
}

function nextStep(call: Call, outcome: AttemptOutcome): NextStep {
  if (outcome.status !== 'failed' || outcome.failureReason === null) return { end: { status: outcome.status, failureReason: outcome.failureReason } };
  if (call.cancelRequested) return { end: { status: 'cancelled', failureReason: 'cancelled' } };
  if (call.retriesWithdrawn) return { end: { status: 'failed', failureReason: outcome.failureReason } };
  const reason = outcome.failureReason;
  const decision = decideRetry(reason, call.retriesByReason[reason] ?? 0, call.attempts.length, call.policy, Math.random());
  if (!decision.retry) return { end: { status: 'failed', failureReason: decision.finalReason } };
  return { retry: { reason, decision } };
}

/** An attempt that ends before its dial (cancelled while waiting for a line, or refused by the DND registry). */
export async function endBeforeDial(call: Call, attempt: AttemptState, outcome: AttemptOutcome & { failureReason: RecordedFailureReason }): Promise<CallWorkflowResult> {
  attempt.outcome = outcome;
  call.lastOutcome = outcome;
  await call.record(attempt, { status: outcome.status, failureReason: outcome.failureReason, timings: { endedAt: nowIso() } });
  if (outcome.status === 'cancelled') log.info('call cancelled before dialing', { reason: call.cancelReason });
  return finish(call, outcome.status, outcome.failureReason);
}

/** `outcomeRecorded`: the last attempt's record already carried the call's outcome. */
export async function finish(call: Call, status: CallStatus, reason: RecordedFailureReason | null, outcomeRecorded = false): Promise<CallWorkflowResult> {
  const { input } = call;
  const attempts = call.attempts.length;
  call.finalReason = reason;
  call.nextAttemptAt = null;
  call.waitReason = null;
  call.setPhase(status, call.current?.number ?? 0);
  if (!outcomeRecorded) await records.recordCallOutcome({ callId: input.callId, status, failureReason: reason, attempts });
  if (input.scheduledCallId) {
    await scheduleRecords.recordScheduleStatus({
      scheduledCallId: input.scheduledCallId,
      status: scheduleStatusOf(status),
      finalStatus: status,
      finalFailureReason: reason,
    });
  }
  if (isTerminalStatus(status)) await call.announce(callEventTypeOf(status), call.current?.number ?? 0, reason);
  if (input.campaignId && isTerminalStatus(status)) {
    await reportToCampaign(input.campaignId, { callId: input.callId, status, failureReason: reason, attempts });
  }
  return { callId: input.callId, status, failureReason: reason, attempts };
}

/** A campaign that has already ended (cancelled and drained, or terminated) no longer needs to hear it. */
async function reportToCampaign(campaignId: string, report: CampaignCallFinished): Promise<void> {
  try {
    await signals.reportCallToCampaign(campaignId, report);
  } catch (err) {
    log.warn('could not report the call to its campaign', { campaignId, error: String(err) });
  }
}
