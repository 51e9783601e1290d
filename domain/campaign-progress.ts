import type { CampaignCallFinished, CampaignCounts, CampaignStatus } from './campaign-types';
import type { TerminalCallStatus } from './call-status';

/**
 * Campaign bookkeeping as pure functions, so the workflow, the API and the tests agree on what
 * "processed", "successful" and "done" mean.
 */

export function emptyCampaignCounts(): CampaignCounts {
  return { dispatched: 0, finished: 0, outcomes: {}, cancelledBeforeDispatch: 0 };
}

export function countFinishedCall(counts: CampaignCounts, call: Pick<CampaignCallFinished, 'status'>): CampaignCounts {
  return {
    ...counts,
    finished: counts.finished + 1,
    outcomes: { ...counts.outcomes, [call.status]: (counts.outcomes[call.status] ?? 0) + 1 },
  };
}

const outcome = (counts: CampaignCounts, status: TerminalCallStatus) => counts.outcomes[status] ?? 0;

/** The figures the API shows: a voicemail is neither a success nor a failure, a cancel is its own line. */
export function campaignProgressFigures(total: number, counts: CampaignCounts, inFlight: number, waiting: number) {
  const processed = counts.finished + counts.cancelledBeforeDispatch;
  return {
    total,
    dispatched: counts.dispatched,
    processed,
    successful: outcome(counts, 'completed'),
    failed: outcome(counts, 'failed'),
    voicemail: outcome(counts, 'voicemail'),
    cancelled: outcome(counts, 'cancelled') + counts.cancelledBeforeDispatch,
    inProgress: inFlight + waiting,
    pending: Math.max(0, total - counts.dispatched - counts.cancelledBeforeDispatch),
    percentComplete: total === 0 ? 100 : Math.floor((processed / total) * 1000) / 10,
  };
}

/** Every contact was either dispatched or withdrawn, and every dispatched call has reported back. */
export function campaignIsSettled(total: number, nextSeq: number, open: number): boolean {
  return nextSeq >= total && open === 0;
}

export function isFinalCampaignStatus(status: CampaignStatus): boolean {
  return status === 'completed' || status === 'cancelled';
}
