import type { CallSettings } from './call-start';
import type { CallWorkflowInput } from './call-workflow-types';
import type { RecurrenceRule } from './recurrence';
import type { SeriesStatus, SkipReason } from './schedule-records';

/** Every occurrence's call: the parts of a call workflow's input that the series fixes once. */
export type SeriesCallTemplate = CallSettings & Pick<CallWorkflowInput, 'phoneNumber' | 'agentId' | 'maxCallDurationSec' | 'metadata' | 'record'>;

/** What a `recurrenceWorkflow` (`series-<seriesId>`) carries; `state` only across continue-as-new. */
export interface RecurrenceWorkflowInput {
  seriesId: string;
  rule: RecurrenceRule;
  call: SeriesCallTemplate;
  /** Task queue of the occurrences' call workflows. */
  callTaskQueue: string;
  prewarmLeadMs?: number;
  state?: SeriesProgress;
}

export interface SeriesProgress {
  nextIndex: number;
  started: number;
  paused: boolean;
  lastCallId: string | null;
  pendingSkips: number;
}

export interface UpcomingOccurrence {
  occurrence: number;
  /** The rule's time. */
  at: string;
  /** Moved into the series' calling windows; null when no callable time exists. */
  effectiveAt: string | null;
}

/** The series' `status` query and the answer of its updates. */
export interface SeriesStatusView {
  seriesId: string;
  status: SeriesStatus;
  occurrencesStarted: number;
  nextOccurrence: number | null;
  nextOccurrenceAt: string | null;
  upcoming: UpcomingOccurrence[];
  pendingSkips: number;
  lastCallId: string | null;
  recentSkips: { occurrence: number; at: string; reason: SkipReason }[];
}

/** Id of occurrence `n` (0-based) of a series: its call id, call log id and schedule id. */
export function occurrenceCallId(seriesId: string, occurrence: number): string {
  return `${seriesId}-${occurrence + 1}`;
}
