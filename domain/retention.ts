const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Records created before this instant have outlived the retention period: their transcripts, recording
 * links and contact variables are purged. Pure, so the retention workflow computes it from its own
 * deterministic clock.
 */
export function retentionCutoff(now: number, retentionDays: number): Date {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new RangeError(`retentionDays must be a positive integer, got ${retentionDays}`);
  return new Date(now - retentionDays * DAY_MS);
}

/** What one retention run cleared, per kind of record (logged and written to the audit log). */
export interface RetentionCounts {
  /** Call attempts whose transcript, recording link and metadata were cleared. */
  callLogs: number;
  /** Scheduled calls (finished ones) whose metadata was cleared. */
  scheduledCalls: number;
  /** Campaign contacts (finished ones) whose variables were cleared. */
  campaignContacts: number;
}

export interface RetentionInput {
  retentionDays: number;
  /** Records cleared per database round trip. */
  batchSize: number;
}

export interface RetentionResult extends RetentionCounts {
  cutoff: string;
}

/** The Temporal Schedule that starts `retentionWorkflow`; one per namespace. */
export const RETENTION_SCHEDULE_ID = 'ringline-retention';
