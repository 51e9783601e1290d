import { log } from '@temporalio/workflow';
import { classifyAttempt, isExotelTerminalStatus, type AttemptOutcome } from '../../domain/call-outcome';
import type { Call } from './call';
import type { AttemptState } from './attempt';

/** Settling an attempt whose webhooks were lost: ask Exotel for the call's details, and in the end stop asking. */

export async function reconcile(call: Call, attempt: AttemptState): Promise<AttemptOutcome | undefined> {
  if (!attempt.callSid) {
    // The dial's fate was unknown and Exotel never called back: nothing was placed.
    log.warn('dial outcome unknown and no webhook arrived; treating as not placed', { attempt: attempt.number });
    return classifyAttempt({ dialFailure: 'network_error', answered: false, cancelled: call.cancelRequested });
  }
  try {
    const details = await call.exotel.fetchCallDetails(attempt.callSid);
    log.info('reconciled attempt through call details', { attempt: attempt.number, status: details.status });
    if (details.answered) attempt.answered = true;
    if (!isExotelTerminalStatus(details.status)) return undefined;
    attempt.exotelStatus = details.status;
    attempt.endTime = details.endTime ?? undefined;
    attempt.durationSec = details.durationSec ?? undefined;
    attempt.recordingUrl ??= details.recordingUrl ?? undefined;
    return classifyAttempt({
      exotelStatus: details.status,
      answered: attempt.answered,
      mediaOutcome: attempt.mediaEnded?.outcome ?? (attempt.media ? 'connection_lost' : undefined),
      cancelled: call.cancelRequested,
    });
  } catch (err) {
    log.warn('call details unavailable; will try again', { attempt: attempt.number, error: String(err) });
    return undefined;
  }
}

/**
 * Exotel has said nothing conclusive long after the call must have ended: settle from what we saw
 * rather than keep a line and a workflow busy forever.
 */
export function giveUp(call: Call, attempt: AttemptState): AttemptOutcome {
  log.warn('no conclusive status from Exotel; settling the attempt from what was seen', { attempt: attempt.number });
  const cancelled = call.cancelRequested;
  if (!attempt.answered) return classifyAttempt({ dialFailure: 'network_error', answered: false, cancelled });
  return classifyAttempt({ exotelStatus: 'completed', answered: true, mediaOutcome: attempt.mediaEnded?.outcome ?? 'connection_lost', cancelled });
}
