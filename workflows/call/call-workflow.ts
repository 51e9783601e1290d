import type { AttemptOutcome } from '../../domain/call-outcome';
import type { CallWorkflowInput, CallWorkflowResult } from '../../domain/call-workflow-types';
import { scheduleRecords } from './activities';
import { Call, nowIso } from './call';
import { dndBlocked, runAttempt } from './dial';
import { waitForFirstDialTime, waitForRetryTime } from './dial-time';
import { endBeforeDial, finish, settleAttempt } from './finish';
import { listenForMessages } from './handlers';
import { Line } from './line';

/**
 * One logical customer call (`call-<callId>`), from its first dial to its final outcome, through
 * every retry. Each attempt: wait for a line → dial (at most once) → follow Exotel's webhooks and the
 * media server's signals → classify → retry or finish. Lost webhooks are settled by asking Exotel;
 * late or duplicate ones for another attempt are ignored.
 */
export async function callWorkflow(input: CallWorkflowInput): Promise<CallWorkflowResult> {
  const call = new Call(input);
  const line = new Line(call);
  listenForMessages(call, line);

  const endedBeforeDialTime = await waitForFirstDialTime(call);
  if (endedBeforeDialTime) return endedBeforeDialTime;
  if (input.scheduledCallId) await scheduleRecords.recordScheduleStatus({ scheduledCallId: input.scheduledCallId, status: 'processing' });
  if (input.dndCheck) {
    const blocked = await dndBlocked(call);
    if (blocked) return endBeforeDial(call, call.startAttempt(), { status: 'failed', failureReason: blocked });
  }

  for (;;) {
    const attempt = call.startAttempt();
    call.retryNowRequested = false;
    call.nextAttemptAt = null;
    call.waitReason = 'line_busy';
    call.setPhase('waiting_for_line', attempt.number);
    // The queued record and the line request do not depend on each other: together, the line is
    // asked for one database write sooner, which is what a scheduled call's punctuality waits on.
    const queued = call.queuedRowWritten(attempt) ? undefined : call.record(attempt, { timings: { queuedAt: nowIso() } });
    await Promise.all([queued, line.request()]);
    const granted = await line.waitForGrant();
    call.waitReason = null;
    if (!granted) {
      await line.release();
      return endBeforeDial(call, attempt, { status: 'cancelled', failureReason: 'cancelled' });
    }

    let outcome: AttemptOutcome;
    try {
      outcome = await runAttempt(call, line, attempt);
    } finally {
      await line.release();
    }
    const step = await settleAttempt(call, attempt, outcome);
    if (step.end) return finish(call, step.end.status, step.end.failureReason, true);
    const endedWhileWaiting = await waitForRetryTime(call, attempt, step.retry.reason, step.retry.decision);
    if (endedWhileWaiting) return endedWhileWaiting;
  }
}
