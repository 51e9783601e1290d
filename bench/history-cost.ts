import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The local activities that write to the database (the others deliver signals or ask the gate for a line). */
const DATABASE_WRITES = new Set(['recordAttempt', 'recordCallOutcome', 'recordRetryScheduled', 'recordRetryStatus', 'recordScheduleStatus']);

/** What one workflow execution cost Temporal and the database, read from its history. */
export interface HistoryCost {
  workflowTasks: number;
  events: number;
  /** Activity tasks that went through a task queue. */
  activities: number;
  /** Local activities: run inside a workflow task, recorded as markers. */
  localActivities: number;
  databaseWrites: number;
}

export function historyCost(events: readonly HistoryEvent[]): HistoryCost {
  const localTypes = events.flatMap((e) => {
    const attributes = e.markerRecordedEventAttributes;
    if (attributes?.markerName !== 'core_local_activity') return [];
    const data = attributes.details?.data?.payloads?.[0]?.data;
    if (!data) return [];
    const marker = JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type?: string };
    return marker.activity_type ? [marker.activity_type] : [];
  });
  return {
    workflowTasks: events.filter((e) => e.workflowTaskCompletedEventAttributes).length,
    events: events.length,
    activities: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
    localActivities: localTypes.length,
    databaseWrites: localTypes.filter((type) => DATABASE_WRITES.has(type)).length,
  };
}

/** The mean of each cost over many executions. */
export function meanCost(costs: readonly HistoryCost[]): HistoryCost {
  const mean = (pick: (c: HistoryCost) => number) => (costs.length === 0 ? NaN : costs.reduce((sum, c) => sum + pick(c), 0) / costs.length);
  return {
    workflowTasks: mean((c) => c.workflowTasks),
    events: mean((c) => c.events),
    activities: mean((c) => c.activities),
    localActivities: mean((c) => c.localActivities),
    databaseWrites: mean((c) => c.databaseWrites),
  };
}
