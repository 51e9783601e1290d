/**
 * Why an attempt did not succeed. Retryable reasons get a retry policy; when a reason's retries are
 * exhausted the call fails with `<reason>_max_retries`.
 */
export const FAILURE_REASONS = [
  'no_answer',
  /** The network answered with an announcement (switched off, not reachable, …): retried like no_answer. */
  'unreachable',
  'busy',
  /** Exotel or the path to it failed: the dial request, or Exotel's own `failed` status before an answer. */
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
  'configuration_error',
  'cancelled',
] as const;

export type FailureReason = (typeof FAILURE_REASONS)[number];
export type ExhaustedFailureReason = `${FailureReason}_max_retries`;
export type RecordedFailureReason = FailureReason | ExhaustedFailureReason;

export function exhausted(reason: FailureReason): ExhaustedFailureReason {
  return `${reason}_max_retries`;
}

/**
 * A recorded reason as a metric label: the known reasons and their `_max_retries` forms, `none` for a
 * success, `other` for anything else, so that a stray string cannot grow a metric's series without bound.
 */
export function failureReasonLabel(reason: string | null | undefined): RecordedFailureReason | 'none' | 'other' {
  if (reason === null || reason === undefined || reason === '') return 'none';
  const base = reason.endsWith('_max_retries') ? reason.slice(0, -'_max_retries'.length) : reason;
  return (FAILURE_REASONS as readonly string[]).includes(base) ? (reason as RecordedFailureReason) : 'other';
}
