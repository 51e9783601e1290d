import { attemptCallLogId } from '../domain/attempt-address';
import type { AttemptRecord, CallOutcomeRecord, RetryRecord, RetryStatusUpdate } from '../domain/attempt-record';
import { lastFourDigits } from '../domain/phone-mask';
import { CallLog } from '../db/models/call-log';
import { RetryAttempt } from '../db/models/retry-attempt';
import { withWriteRetry } from '../db/transient-write-error';
import { isTerminalStatus } from '../domain/call-status';
import {
  countAttemptEnded,
  countCallFinished,
  countRetryScheduled,
  observeDialDelay,
  observeStatusCallbackToRecord,
} from '../lib/business-metrics/call-records';

/**
 * Database writes on behalf of the call workflow. Each is an upsert keyed by the attempt's id, so a
 * retried activity rewrites the same row instead of adding one. Write collisions are retried here in
 * milliseconds: left to the activity's own retry (one second and up), a burst of calls writing at once
 * (a campaign's page) would stretch every call's workflow task by seconds.
 *
 * The writes that end an attempt or a call, or that carry the dial, return the row as it was, so that
 * each is counted once (lib/business-metrics/call-records.ts) however often the activity runs.
 */
export function createRecordActivities() {
  return {
    async recordAttempt(record: AttemptRecord): Promise<void> {
      const id = attemptCallLogId(record.callId, record.attempt);
      const set: Record<string, unknown> = { status: record.status };
      for (const key of ['outboundStatus', 'failureReason', 'exotelCallSid', 'recordingUrl'] as const) {
        if (record[key] !== undefined) set[key] = record[key];
      }
      for (const [key, value] of Object.entries(record.timings ?? {})) {
        if (value !== undefined) set[`timings.${key}`] = key === 'durationSec' ? value : new Date(value as string);
      }
      // The call's outcome lives on its first attempt's row: on that row it rides along with the attempt.
      const outcomeHere = record.final !== undefined && record.attempt === 1;
      if (outcomeHere && record.final) Object.assign(set, callOutcomeFields(record.final));
      const update = {
        $set: set,
        $setOnInsert: {
          ...(record.orgId && { orgId: record.orgId }),
          callId: record.callId,
          attempt: record.attempt,
          retryOf: record.attempt > 1 ? attemptCallLogId(record.callId, 1) : null,
          ...(!outcomeHere && { retryCount: record.attempt - 1 }),
          phoneNumber: record.phoneNumber,
          phoneLast4: lastFourDigits(record.phoneNumber),
          agentId: record.agentId,
          priority: record.priority,
          workflowId: record.workflowId,
          campaignId: record.campaignId ?? null,
          seriesId: record.seriesId ?? null,
          scheduledCallId: record.scheduledCallId ?? null,
          metadata: record.metadata ?? {},
          ttsProvider: record.ttsProvider ?? null,
        },
      };
      const ends = isTerminalStatus(record.status);
      const dialedAt = record.timings?.dialedAt;
      if (ends || dialedAt || outcomeHere) {
        // No projection: FerretDB's findAndModify does not take one.
        const before = await withWriteRetry(() => CallLog.findOneAndUpdate({ _id: id }, update, { upsert: true, returnDocument: 'before' }).lean());
        if (ends && before?.status !== record.status) countAttemptEnded(record.status, record.failureReason);
        if (outcomeHere && record.final && !before?.finalStatus) countCallFinished(record.final.status, record.final.failureReason);
        const queuedAt = before?.timings?.queuedAt;
        if (dialedAt && queuedAt && !before.timings?.dialedAt) observeDialDelay(queuedAt, new Date(dialedAt));
      } else {
        await withWriteRetry(() => CallLog.updateOne({ _id: id }, update, { upsert: true }));
      }
      if (record.statusCallbackReceivedAt) {
        observeStatusCallbackToRecord(record.statusCallbackReceivedAt.event, new Date(record.statusCallbackReceivedAt.at), new Date());
      }
      if (record.final && !outcomeHere) await writeCallOutcome({ callId: record.callId, ...record.final });
    },

    async recordCallOutcome(outcome: CallOutcomeRecord): Promise<void> {
      await writeCallOutcome(outcome);
    },

    /** A reschedule of the retry rewrites its row: only the row's first write is a retry scheduled. */
    async recordRetryScheduled(retry: RetryRecord): Promise<void> {
      const written = await withWriteRetry(() => RetryAttempt.updateOne(
        { originalCallLogId: retry.originalCallLogId, attemptNumber: retry.attemptNumber },
        {
          $set: { scheduledFor: new Date(retry.scheduledFor), delayMs: retry.delayMs },
          $setOnInsert: { callLogId: retry.callLogId, reason: retry.reason, status: 'scheduled' },
        },
        { upsert: true },
      ));
      if (written.upsertedCount > 0) countRetryScheduled(retry.reason);
    },

    async recordRetryStatus(update: RetryStatusUpdate): Promise<void> {
      await withWriteRetry(() => RetryAttempt.updateOne(
        { originalCallLogId: update.originalCallLogId, attemptNumber: update.attemptNumber },
        { $set: { status: update.status, executedAt: new Date(update.at) } },
      ));
    },
  };
}

async function writeCallOutcome(outcome: CallOutcomeRecord): Promise<void> {
  const before = await withWriteRetry(() =>
    CallLog.findOneAndUpdate({ _id: attemptCallLogId(outcome.callId, 1) }, { $set: callOutcomeFields(outcome) }, { returnDocument: 'before' }).lean(),
  );
  if (before && !before.finalStatus) countCallFinished(outcome.status, outcome.failureReason);
}

function callOutcomeFields(outcome: Omit<CallOutcomeRecord, 'callId'>) {
  return { finalStatus: outcome.status, finalFailureReason: outcome.failureReason, retryCount: outcome.attempts - 1 };
}

export type RecordActivities = ReturnType<typeof createRecordActivities>;
