import { log } from '@temporalio/workflow';
import { attemptCallLogId } from '../../domain/attempt-address';
import { classifyAttempt, isExotelTerminalStatus, type AttemptOutcome, type ExotelTerminalStatus } from '../../domain/call-outcome';
import type { AttemptView, ExotelStatusEvent, MediaEndedEvent, MediaStartedEvent } from '../../domain/call-workflow-types';
import { exotelTimeToIso } from '../../domain/exotel-time';

/** What one attempt has learnt so far from its dial, Exotel's webhooks and the media server. */
export interface AttemptState {
  number: number;
  callSid?: string;
  answered: boolean;
  answeredAt?: number;
  /** When the API received the callback that told of the answer or the end (absent when something else told). */
  answeredCallbackReceivedAt?: string;
  terminalCallbackReceivedAt?: string;
  exotelStatus?: ExotelTerminalStatus;
  terminalAt?: number;
  endTime?: string;
  durationSec?: number;
  recordingUrl?: string;
  media?: MediaStartedEvent;
  mediaEnded?: MediaEndedEvent;
  /** After a call-details request that settled nothing: when to ask Exotel again. */
  nextReconcileAt?: number;
  hangupRequested: boolean;
  outcome?: AttemptOutcome;
}

export function newAttempt(number: number): AttemptState {
  return { number, answered: false, hangupRequested: false };
}

/** An event is the attempt's own while it is the current one and unsettled; late or duplicate ones are dropped. */
export function acceptsEventsFor(attempt: AttemptState | undefined, eventAttempt: number): attempt is AttemptState {
  return attempt !== undefined && eventAttempt === attempt.number && !attempt.outcome;
}

export function applyExotelStatus(attempt: AttemptState, event: ExotelStatusEvent): void {
  // Once the attempt's Exotel call is known, events of any other call are not its own (a replayed or forged URL).
  if (attempt.callSid !== undefined && event.callSid !== attempt.callSid) {
    log.warn('ignoring Exotel status for another CallSid', { eventAttempt: event.attempt, status: event.status });
    return;
  }
  attempt.callSid ??= event.callSid;
  if (event.recordingUrl) attempt.recordingUrl = event.recordingUrl;
  if (event.status === 'in-progress' || event.eventType === 'answered') {
    if (!attempt.answered) attempt.answeredCallbackReceivedAt = event.receivedAt;
    markAnswered(attempt);
    return;
  }
  if (isExotelTerminalStatus(event.status) && attempt.exotelStatus === undefined) {
    attempt.exotelStatus = event.status;
    attempt.terminalAt = Date.now();
    attempt.terminalCallbackReceivedAt = event.receivedAt;
    attempt.endTime = event.endTime;
    attempt.durationSec = event.conversationDurationSec;
    // Callbacks can be reordered: a completed call was answered even if the answered event is late or lost.
    if (event.status === 'completed' && (event.conversationDurationSec ?? 0) > 0) attempt.answered = true;
  }
}

export function applyMediaStarted(attempt: AttemptState, event: MediaStartedEvent): void {
  attempt.media ??= event;
  markAnswered(attempt);
}

export function applyMediaEnded(attempt: AttemptState, event: MediaEndedEvent): void {
  attempt.mediaEnded ??= event;
}

function markAnswered(attempt: AttemptState): void {
  if (attempt.answered) return;
  attempt.answered = true;
  attempt.answeredAt = Date.now();
}

/** The attempt is over once Exotel's terminal status and (for a connected call) the media outcome are in. */
export function settledOutcome(attempt: AttemptState, cancelled: boolean): AttemptOutcome | undefined {
  const mediaOutcome = attempt.mediaEnded?.outcome;
  if (attempt.exotelStatus && (!attempt.media || mediaOutcome)) {
    return classifyAttempt({ exotelStatus: attempt.exotelStatus, answered: attempt.answered, mediaOutcome, cancelled });
  }
  return undefined;
}

/** Changes whenever a signal adds something the attempt loop must look at. */
export function eventCount(a: AttemptState): number {
  return (a.callSid ? 1 : 0) + (a.answered ? 2 : 0) + (a.exotelStatus ? 4 : 0) + (a.media ? 8 : 0) + (a.mediaEnded ? 16 : 0);
}

export function viewOf(callId: string, a: AttemptState): AttemptView {
  return {
    attempt: a.number,
    callLogId: attemptCallLogId(callId, a.number),
    callSid: a.callSid,
    exotelStatus: a.exotelStatus ?? (a.answered ? 'in-progress' : undefined),
    answered: a.answered,
    mediaConnected: Boolean(a.media),
    outcome: a.outcome,
    endedAt: (a.endTime && exotelTimeToIso(a.endTime)) || undefined,
  };
}
