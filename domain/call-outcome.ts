import type { TerminalCallStatus } from './call-status';
import type { FailureReason } from './failure-reason';

/** Exotel's terminal call statuses, plus the leg-level `canceled` treated as terminal. */
export const EXOTEL_TERMINAL_STATUSES = ['completed', 'busy', 'no-answer', 'failed', 'canceled'] as const;
export type ExotelTerminalStatus = (typeof EXOTEL_TERMINAL_STATUSES)[number];

export function isExotelTerminalStatus(status: string): status is ExotelTerminalStatus {
  return (EXOTEL_TERMINAL_STATUSES as readonly string[]).includes(status);
}

/** How the media server says a conversation ended. */
/** `unreachable`: an operator or network announcement answered (switched off, not reachable, …), not the callee. */
export const MEDIA_OUTCOMES = ['completed', 'voicemail', 'unreachable', 'no_response', 'connection_lost', 'hangup_by_bot'] as const;
export type MediaOutcome = (typeof MEDIA_OUTCOMES)[number];

export interface AttemptFacts {
  /** Set when the dial request itself failed; nothing else about the attempt matters then. */
  dialFailure?: FailureReason;
  exotelStatus?: ExotelTerminalStatus;
  answered: boolean;
  mediaOutcome?: MediaOutcome;
  cancelled: boolean;
}

export interface AttemptOutcome {
  status: TerminalCallStatus;
  failureReason: FailureReason | null;
}

const failed = (failureReason: FailureReason): AttemptOutcome => ({ status: 'failed', failureReason });

/**
 * One attempt's result from what Exotel and the media server reported. A cancellation wins, except
 * that a voicemail already left stays a voicemail; an answered call whose media never connected is a
 * lost connection, whatever Exotel's status says.
 */
export function classifyAttempt(facts: AttemptFacts): AttemptOutcome {
  if (facts.dialFailure) return facts.cancelled ? { status: 'cancelled', failureReason: 'cancelled' } : failed(facts.dialFailure);
  if (facts.mediaOutcome === 'voicemail') return { status: 'voicemail', failureReason: 'voicemail' };
  if (facts.cancelled) return { status: 'cancelled', failureReason: 'cancelled' };
  switch (facts.exotelStatus) {
    case 'busy':
      return failed('busy');
    case 'no-answer':
    case 'canceled':
      return facts.answered ? classifyAnswered(facts.mediaOutcome) : failed('no_answer');
    case 'failed':
      // Exotel's `failed` before an answer is the carrier's or Exotel's fault, not the callee's: the
      // seed retries it as a network error.
      return facts.answered ? classifyAnswered(facts.mediaOutcome) : failed('network_error');
    case 'completed':
    case undefined:
      return facts.answered || facts.mediaOutcome ? classifyAnswered(facts.mediaOutcome) : failed('no_answer');
  }
}

function classifyAnswered(mediaOutcome: MediaOutcome | undefined): AttemptOutcome {
  switch (mediaOutcome) {
    case 'completed':
    case 'hangup_by_bot':
      return { status: 'completed', failureReason: null };
    case 'no_response':
      return failed('no_response');
    case 'unreachable':
      return failed('unreachable');
    case 'voicemail':
      return { status: 'voicemail', failureReason: 'voicemail' };
    case 'connection_lost':
    case undefined:
      return failed('connection_lost');
  }
}
