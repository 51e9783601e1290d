import { RecurrenceSeries } from '../db/models/recurrence-series';
import { ScheduledCall } from '../db/models/scheduled-call';
import { lastFourDigits } from '../domain/phone-mask';
import type { OccurrenceRecord, ScheduleStatusUpdate, SeriesSkipRecord, SeriesStateRecord } from '../domain/schedule-records';

/**
 * Database writes on behalf of scheduled calls and series. Each sets absolute values keyed by id, so
 * a retried activity writes the same row again instead of adding one.
 */
export function createScheduleRecordActivities() {
  return {
    async recordScheduleStatus(update: ScheduleStatusUpdate): Promise<void> {
      const set: Record<string, unknown> = {};
      if (update.status !== undefined) set.status = update.status;
      if (update.effectiveAt !== undefined) set.effectiveAt = new Date(update.effectiveAt);
      if (update.finalStatus !== undefined) set.finalStatus = update.finalStatus;
      if (update.finalFailureReason !== undefined) set.finalFailureReason = update.finalFailureReason;
      if (update.prewarmedAt !== undefined) set.prewarmedAt = new Date(update.prewarmedAt);
      if (Object.keys(set).length > 0) await ScheduledCall.updateOne({ _id: update.scheduledCallId }, { $set: set });
    },

    async recordOccurrence(occurrence: OccurrenceRecord): Promise<void> {
      // The occurrence belongs to its series' organization, read here so the workflow needs no change.
      const series = await RecurrenceSeries.findById(occurrence.seriesId, { orgId: 1 }).lean();
      await ScheduledCall.updateOne(
        { _id: occurrence.callId },
        {
          $set: { effectiveAt: new Date(occurrence.effectiveAt) },
          $setOnInsert: {
            ...(series?.orgId && { orgId: series.orgId }),
            callLogId: occurrence.callId,
            workflowId: occurrence.workflowId,
            phoneNumber: occurrence.phoneNumber,
            phoneLast4: lastFourDigits(occurrence.phoneNumber),
            agentId: occurrence.agentId,
            scheduledFor: new Date(occurrence.scheduledFor),
            timezone: occurrence.timezone,
            respectBusinessHours: occurrence.businessHours !== null,
            businessHours: occurrence.businessHours,
            priority: occurrence.priority,
            retryPolicy: occurrence.retryPolicy,
            status: 'pending',
            seriesId: occurrence.seriesId,
            occurrence: occurrence.occurrence,
            metadata: occurrence.metadata,
          },
        },
        { upsert: true },
      );
    },

    async recordSeriesState(state: SeriesStateRecord): Promise<void> {
      await RecurrenceSeries.updateOne(
        { _id: state.seriesId },
        {
          $set: {
            status: state.status,
            statusReason: state.statusReason ?? null,
            nextOccurrenceIndex: state.nextOccurrenceIndex,
            nextOccurrenceAt: state.nextOccurrenceAt === null ? null : new Date(state.nextOccurrenceAt),
            occurrencesStarted: state.occurrencesStarted,
            lastCallId: state.lastCallId,
          },
        },
      );
    },

    async recordSeriesSkip(skip: SeriesSkipRecord): Promise<void> {
      // The filter makes a retried push a no-op.
      await RecurrenceSeries.updateOne(
        { _id: skip.seriesId, 'skipped.occurrence': { $ne: skip.occurrence } },
        { $push: { skipped: { occurrence: skip.occurrence, at: new Date(skip.at), reason: skip.reason } } },
      );
    },
  };
}

export type ScheduleRecordActivities = ReturnType<typeof createScheduleRecordActivities>;
