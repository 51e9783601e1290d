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

/**
 * The stored states `logicalOutcome` reads as `outcome`, so that a query can select calls by their
 * outcome: a final status equal to it (`final`), or no final status yet and a first attempt in one of
 * `unfinished`. A first attempt that failed without a final status reads as `retry_scheduled`, never as
 * `failed`.
 */
export function storedStatesOf(outcome: CallStatus): { final: boolean; unfinished: CallStatus[] } {
  if (outcome === 'failed') return { final: true, unfinished: [] };
  if (outcome === 'retry_scheduled') return { final: false, unfinished: ['failed', 'retry_scheduled'] };
  return { final: isTerminalStatus(outcome), unfinished: [outcome] };
}

/**
 * Why a logical call stands where it does: the call's final reason once it has ended, before that its
 * first attempt's reason (set when that attempt failed and the call waits for a retry).
 */
export function logicalFailureReason(row: { failureReason: string | null; finalStatus: CallStatus | null; finalFailureReason: string | null }): string | null {
  return row.finalStatus !== null ? row.finalFailureReason : row.failureReason;
}
