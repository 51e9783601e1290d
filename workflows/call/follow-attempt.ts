import { condition, log } from '@temporalio/workflow';
import { classifyAttempt, type AttemptOutcome } from '../../domain/call-outcome';
import { mediaControl } from './activities';
import type { Call } from './call';
import { eventCount, settledOutcome, type AttemptState } from './attempt';
import { giveUp, reconcile } from './reconciliation';

/**
 * From ringing to the attempt's outcome: wait for Exotel's terminal status and the media server's
 * outcome; on a cancel, hang up a live call; when timers run out with nothing new, ask Exotel.
 */
export async function followAttempt(call: Call, attempt: AttemptState): Promise<AttemptOutcome> {
  const { timings } = call;
  let deadline = Date.now() + call.ringTimeoutSec * 1000 + timings.ringGraceMs;
  let giveUpAt = deadline + timings.reconcileWindowMs;
  let inProgressRecorded = false;
  for (;;) {
    if (attempt.answered && !inProgressRecorded) {
      inProgressRecorded = true;
      call.setPhase('in_progress', attempt.number);
      deadline = (attempt.answeredAt ?? Date.now()) + call.input.maxCallDurationSec * 1000 + timings.callGraceMs;
      giveUpAt = deadline + timings.reconcileWindowMs;
      await call.record(attempt, {
        exotelCallSid: attempt.callSid,
        timings: {
          answeredAt: new Date(attempt.answeredAt ?? Date.now()).toISOString(),
          ...(attempt.media ? { mediaStartedAt: attempt.media.startedAt } : {}),
        },
        ...(attempt.answeredCallbackReceivedAt && { statusCallbackReceivedAt: { event: 'answered', at: attempt.answeredCallbackReceivedAt } }),
      });
    }
    if (call.cancelRequested && attempt.media && !attempt.hangupRequested && !attempt.mediaEnded) {
      attempt.hangupRequested = true;
      await hangUp(call, attempt);
    }

    const settled = settledOutcome(attempt, call.cancelRequested);
    if (settled) return settled;

    const waitUntil = nextWake(call, attempt, deadline);
    const snapshot = eventCount(attempt);
    const cancelSnapshot = call.cancelRequested;
    const woke = await condition(
      () => eventCount(attempt) !== snapshot || call.cancelRequested !== cancelSnapshot,
      Math.max(1, waitUntil - Date.now()),
    );
    if (woke) continue;

    // A timer ran out with nothing new: settle from what we know, or ask Exotel.
    if (attempt.exotelStatus && attempt.media && !attempt.mediaEnded) {
      return classifyAttempt({ exotelStatus: attempt.exotelStatus, answered: attempt.answered, mediaOutcome: 'connection_lost', cancelled: call.cancelRequested });
    }
    const reconciled = await reconcile(call, attempt);
    if (reconciled) return reconciled;
    if (Date.now() >= giveUpAt) return giveUp(call, attempt);
    deadline = Date.now() + timings.reconcilePollMs;
    attempt.nextReconcileAt = deadline;
  }
}

/** One side has reported the end and the other has not: wait for it only a little. */
function nextWake(call: Call, attempt: AttemptState, deadline: number): number {
  const { timings } = call;
  if (attempt.exotelStatus && attempt.media && !attempt.mediaEnded) {
    return Math.min(deadline, (attempt.terminalAt ?? Date.now()) + timings.mediaAfterTerminalMs);
  }
  if (attempt.mediaEnded && !attempt.exotelStatus) {
    return Math.min(deadline, Math.max(Date.parse(attempt.mediaEnded.endedAt) + timings.terminalAfterMediaMs, attempt.nextReconcileAt ?? 0));
  }
  return deadline;
}

async function hangUp(call: Call, attempt: AttemptState): Promise<void> {
  const media = attempt.media;
  if (!media) return;
  try {
    await mediaControl.endLiveCall({
      controlUrl: media.controlUrl,
      callId: call.input.callId,
      attempt: attempt.number,
      mode: call.cancelledWhileLive ? 'goodbye' : 'immediate',
      reason: call.cancelReason,
    });
  } catch (err) {
    log.warn('media server did not take the hang-up; Exotel TimeLimit remains the backstop', { error: String(err) });
  }
}
