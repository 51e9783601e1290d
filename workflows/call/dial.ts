import { ActivityFailure, ApplicationFailure, log } from '@temporalio/workflow';
import { classifyAttempt, type AttemptOutcome } from '../../domain/call-outcome';
import type { DialResult } from '../../domain/dial-result';
import type { FailureReason } from '../../domain/failure-reason';
import { nowIso, type Call } from './call';
import type { AttemptState } from './attempt';
import { followAttempt } from './follow-attempt';
import type { Line } from './line';

/** One attempt on a granted line: dial exactly once, then follow the call to its outcome. */
export async function runAttempt(call: Call, line: Line, attempt: AttemptState): Promise<AttemptOutcome> {
  if (call.cancelRequested) return { status: 'cancelled', failureReason: 'cancelled' };
  call.setPhase('dialing', attempt.number);
  const dialedAt = nowIso();
  const dial = await dialOnce(call, attempt);
  const failedRequest = dial.outcome === 'unknown' || (dial.outcome === 'rejected' && (dial.reason === 'network_error' || dial.reason === 'rate_limited'));
  await line.dialed(failedRequest);

  if (dial.outcome === 'rejected') {
    await call.record(attempt, { timings: { dialedAt } });
    return classifyAttempt({ dialFailure: dial.reason, answered: false, cancelled: call.cancelRequested });
  }
  // An unknown dial has no CallSid: the first webhook brings it, or reconciliation treats the dial as not placed.
  if (dial.outcome === 'accepted') attempt.callSid ??= dial.callSid;

  call.setPhase('ringing', attempt.number);
  await call.record(attempt, { exotelCallSid: attempt.callSid, timings: { dialedAt, ringingAt: nowIso() } });
  return followAttempt(call, attempt);
}

async function dialOnce(call: Call, attempt: AttemptState): Promise<DialResult> {
  const { input } = call;
  try {
    return await call.exotel.dialAttempt({
      callId: input.callId,
      attempt: attempt.number,
      phoneNumber: input.phoneNumber,
      maxCallDurationSec: input.maxCallDurationSec,
      ringTimeoutSec: call.ringTimeoutSec,
      ...(input.orgId && { orgId: input.orgId }),
      ...(input.record && { record: true }),
    });
  } catch (err) {
    // The activity itself failed or timed out (a worker died mid-request): fate unknown.
    return { outcome: 'unknown', detail: err instanceof ActivityFailure ? String(err.cause?.message ?? err.message) : String(err) };
  }
}

/**
 * The DND registry answer for this number; null = dial. An unanswerable lookup dials anyway: Exotel
 * itself refuses DND numbers for non-transactional traffic, so the lookup only saves a wasted attempt.
 */
export async function dndBlocked(call: Call): Promise<FailureReason | null> {
  try {
    const answer = await call.exotel.checkDnd(call.input.phoneNumber);
    return answer.dnd ? 'dnd_blocked' : null;
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === 'InvalidNumber') return 'invalid_number';
    log.warn('DND lookup failed; dialing without it', { error: String(err) });
    return null;
  }
}
