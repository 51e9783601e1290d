import type { MediaOutcome } from '../call-outcome';

/** Why a conversation ended, as the media server knows it. */
export type EndReason =
  /** Exotel said `stop` (the caller hung up). */
  | 'caller_hung_up'
  /** The caller said one of the agent's end phrases. */
  | 'end_phrase'
  /** The model called `end_call`. */
  | 'end_call_tool'
  | 'max_duration'
  /** The workflow asked for the call to end (e.g. it was cancelled). */
  | 'control_goodbye'
  | 'control_immediate'
  /** Nobody answered the bot, even after the no-response prompt. */
  | 'silence'
  | 'voicemail'
  /** An operator or network announcement answered: the attempt ends at once, without a message. */
  | 'unreachable'
  /** The socket closed without `stop`. */
  | 'socket_lost'
  /** Speech recognition could not be had, so no conversation could be held. */
  | 'provider_failure'
  /** This media server is shutting down. */
  | 'shutdown';

export interface EndingFacts {
  /** The caller said at least one thing the bot took as a turn. */
  callerSpoke: boolean;
  /** Voicemail detection judged the callee a machine. */
  machineDetected: boolean;
}

/**
 * The outcome the workflow is told. Silence is `no_response` (retried later) only when the caller
 * never said anything; after a conversation, the bot hanging up on a silent line is an ordinary end.
 * A machine that hangs up before the message was left is still a voicemail.
 */
export function mediaOutcomeFor(reason: EndReason, facts: EndingFacts): MediaOutcome {
  switch (reason) {
    case 'caller_hung_up':
      return facts.machineDetected ? 'voicemail' : 'completed';
    case 'silence':
      return facts.callerSpoke ? 'hangup_by_bot' : 'no_response';
    case 'voicemail':
      return 'voicemail';
    case 'unreachable':
      return 'unreachable';
    case 'socket_lost':
    case 'provider_failure':
      return 'connection_lost';
    case 'end_phrase':
    case 'end_call_tool':
    case 'max_duration':
    case 'control_goodbye':
    case 'control_immediate':
    case 'shutdown':
      return 'hangup_by_bot';
  }
}

/** What the bot says before it closes the socket. */
export type Farewell = 'goodbye' | 'voicemail_message' | 'none';

export function farewellFor(reason: EndReason): Farewell {
  switch (reason) {
    case 'voicemail':
      return 'voicemail_message';
    case 'caller_hung_up':
    case 'socket_lost':
    case 'control_immediate':
    case 'unreachable':
      return 'none';
    case 'end_phrase':
    case 'end_call_tool':
    case 'max_duration':
    case 'control_goodbye':
    case 'silence':
    case 'provider_failure':
    case 'shutdown':
      return 'goodbye';
  }
}
