import { ApplicationFailure, log, setHandler } from '@temporalio/workflow';
import {
  callStatusQuery,
  cancelSignal,
  exotelStatusSignal,
  lineDelayedSignal,
  lineGrantedSignal,
  mediaEndedSignal,
  mediaStartedSignal,
  rescheduleUpdate,
  retryNowSignal,
} from '../messages';
import { acceptsEventsFor, applyExotelStatus, applyMediaEnded, applyMediaStarted } from './attempt';
import type { Call } from './call';
import type { Line } from './line';

/** What the call hears from Exotel's webhooks, the media server, the line gate and the API. */
export function listenForMessages(call: Call, line: Line): void {
  setHandler(exotelStatusSignal, (event) => {
    const attempt = call.current;
    if (!acceptsEventsFor(attempt, event.attempt)) {
      log.info('ignoring Exotel status for another or finished attempt', { eventAttempt: event.attempt, status: event.status });
      return;
    }
    applyExotelStatus(attempt, event);
  });
  setHandler(mediaStartedSignal, (event) => {
    const attempt = call.current;
    if (acceptsEventsFor(attempt, event.attempt)) applyMediaStarted(attempt, event);
  });
  setHandler(mediaEndedSignal, (event) => {
    const attempt = call.current;
    if (acceptsEventsFor(attempt, event.attempt)) applyMediaEnded(attempt, event);
  });

  setHandler(lineGrantedSignal, (grant) => line.onGranted(grant));
  setHandler(lineDelayedSignal, (delay) => {
    if (call.phase === 'waiting_for_line') call.waitReason = delay.reason;
  });

  setHandler(cancelSignal, (request) => {
    if (request?.onlyBeforeDial && call.attemptUnderWay) call.retriesWithdrawn = true;
    else call.cancel(request?.reason);
  });
  setHandler(retryNowSignal, () => {
    call.retryNowRequested = true;
  });
  setHandler(
    rescheduleUpdate,
    ({ at }) => {
      const placed = call.placeInWindows(Date.parse(at), call.phase === 'retry_scheduled');
      call.nextAttemptAt = placed.ok ? placed.at : Date.parse(at);
      call.retryNowRequested = false;
      return { effectiveAt: new Date(call.nextAttemptAt).toISOString(), moved: placed.ok && placed.moved };
    },
    {
      validator: ({ at }) => {
        if (call.phase !== 'scheduled' && call.phase !== 'retry_scheduled') {
          throw refusal('CALL_NOT_RESCHEDULABLE', `cannot reschedule a call that is ${call.phase}`);
        }
        const requested = Date.parse(at);
        if (!Number.isFinite(requested)) throw refusal('INVALID_RESCHEDULE_TIME', 'at must be an ISO date-time');
        if (requested < Date.now()) throw refusal('RESCHEDULE_IN_PAST', 'at must not be in the past');
        const placed = call.placeInWindows(requested, call.phase === 'retry_scheduled');
        if (!placed.ok) throw refusal('NO_CALLABLE_TIME', placed.message);
      },
    },
  );
  setHandler(callStatusQuery, () => call.status());
}

function refusal(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}
