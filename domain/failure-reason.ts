/**
 * Why an attempt did not succeed. Retryable reasons get a retry policy; when a reason's retries are
 * exhausted the call fails with `<reason>_max_retries`.
 */
export const FAILURE_REASONS = [
  'no_answer',
  /** The network answered with an announcement (switched off, not reachable, …): retried like no_answer. */
  'unreachable',
  'busy',
  'network_error',
  'rate_limited',
  'connection_lost',
  'no_response',
  'voicemail',
  'invalid_number',
  /** Exotel's (TRAI) registry lists the number. */
  'dnd_blocked',
  /** The organization's own do-not-call list holds the number: never retried, never dialed. */
  'dnd',
  'exotel_failed',
  'configuration_error',
  'cancelled',
] as const;

export type FailureReason = (typeof FAILURE_REASONS)[number];
export type ExhaustedFailureReason = `${FailureReason}_max_retries`;
export type RecordedFailureReason = FailureReason | ExhaustedFailureReason;

export function exhausted(reason: FailureReason): ExhaustedFailureReason {
  return `${reason}_max_retries`;
}
