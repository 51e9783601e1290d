import { isTerminalStatus, type CallStatus } from '../call-status';

/**
 * Where a logical call (its first attempt's row) stands. The workflow writes `finalStatus` on that row
 * when the whole call ends; before that the row's `status` is its first attempt's. A first attempt
 * that failed without a final status is waiting for its retry, so the call is not failed yet.
 */
export function logicalOutcome(status: CallStatus, finalStatus: CallStatus | null): CallStatus {
  if (finalStatus !== null) return finalStatus;
  return status === 'failed' ? 'retry_scheduled' : status;
}

/** A logical call has finished once its outcome is terminal (completed, voicemail, failed, cancelled). */
export function isFinished(outcome: CallStatus): boolean {
  return isTerminalStatus(outcome);
}
