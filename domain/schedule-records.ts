import type { DailyWindow } from './daily-window';
import type { Priority } from './priority';
import type { RetryPolicyOverride } from './retry-policy';

/** A ScheduledCall row follows its workflow: pending → processing → completed | cancelled | failed. */
export type ScheduleStatus = 'pending' | 'processing' | 'completed' | 'cancelled' | 'failed';

export interface ScheduleStatusUpdate {
  scheduledCallId: string;
  status?: ScheduleStatus;
  effectiveAt?: string;
  finalStatus?: string;
  finalFailureReason?: string | null;
  prewarmedAt?: string;
}

/** One occurrence of a series, written when the series plans it so that it lists with other scheduled calls. */
export interface OccurrenceRecord {
  seriesId: string;
  occurrence: number;
  callId: string;
  workflowId: string;
  phoneNumber: string;
  agentId: string;
  scheduledFor: string;
  effectiveAt: string;
  timezone: string;
  businessHours: DailyWindow | null;
  priority: Priority;
  retryPolicy: RetryPolicyOverride | null;
  metadata: Record<string, unknown>;
}

export type SeriesStatus = 'active' | 'paused' | 'cancelled' | 'completed';

export interface SeriesStateRecord {
  seriesId: string;
  status: SeriesStatus;
  statusReason?: string | null;
  nextOccurrenceIndex: number;
  nextOccurrenceAt: string | null;
  occurrencesStarted: number;
  lastCallId: string | null;
}

export interface SeriesSkipRecord {
  seriesId: string;
  occurrence: number;
  at: string;
  reason: SkipReason;
}

/** The organization's call guards refused a series occurrence (its daily cap, its share of open calls). */
export type OccurrenceRefusal = 'org_daily_call_cap' | 'org_queue_share_exceeded';
export type SkipReason = 'skipped_by_request' | 'previous_still_running' | 'paused' | 'no_callable_time' | OccurrenceRefusal;

/** Maps a finished call onto its schedule row. */
export function scheduleStatusOf(callStatus: string): ScheduleStatus {
  if (callStatus === 'completed' || callStatus === 'voicemail') return 'completed';
  if (callStatus === 'cancelled') return 'cancelled';
  return 'failed';
}
