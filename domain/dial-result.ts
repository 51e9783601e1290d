import type { FailureReason } from './failure-reason';

/** What one dial request to Exotel came to. */
export type DialResult =
  | { outcome: 'accepted'; callSid: string }
  /** Exotel certainly did not place the call. */
  | { outcome: 'rejected'; reason: FailureReason; detail: string }
  /** Exotel may or may not have placed the call: settle from its webhooks, never by dialing again. */
  | { outcome: 'unknown'; detail: string };

export interface DialRequest {
  callId: string;
  /** Whose do-not-call list is checked right before the dial (absent in calls started before organizations). */
  orgId?: string;
  attempt: number;
  phoneNumber: string;
  maxCallDurationSec: number;
  ringTimeoutSec: number;
  /** Ask Exotel to record the conversation (absent: not recorded). */
  record?: boolean;
}

/** A call's state as Exotel's call-details endpoint reports it. */
export interface CallDetails {
  callSid: string;
  status: string;
  answered: boolean;
  startTime: string | null;
  endTime: string | null;
  durationSec: number | null;
  recordingUrl: string | null;
}
