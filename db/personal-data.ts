import { TERMINAL_CALL_STATUSES } from '../domain/call-status';
import { ERASED_PHONE_LAST4, ERASED_PHONE_NUMBER, erasedContactNumber, type ErasureCounts } from '../domain/erasure';
import type { RetentionCounts } from '../domain/retention';
import { CallLog } from './models/call-log';
import { CampaignContact } from './models/campaign-contact';
import { DndLookup } from './models/dnd-lookup';
import { RecurrenceSeries } from './models/recurrence-series';
import { ScheduledCall } from './models/scheduled-call';
import { withWriteRetry } from './transient-write-error';

/** Schedules that will not run again; a pending one keeps its metadata, which its call still needs. */
const FINISHED_SCHEDULE_STATUSES = ['completed', 'cancelled', 'failed'];
/** Contacts the campaign has settled; pending and dispatched ones still reach the agent's prompt. */
const FINISHED_CONTACT_STATUSES = ['completed', 'voicemail', 'failed', 'cancelled'];

/** Clears, a batch at a time, what the filter matches; `personalDataPurgedAt` keeps a cleared record from being matched again. */
async function clearInBatches(
  model: typeof CallLog | typeof ScheduledCall | typeof CampaignContact,
  filter: Record<string, unknown>,
  clear: Record<string, unknown>,
  batchSize: number,
  onBatch: () => void,
): Promise<number> {
  let cleared = 0;
  for (;;) {
    const ids = (await (model as typeof CallLog).find({ ...filter, personalDataPurgedAt: null }, { _id: 1 }).limit(batchSize).lean()).map((row) => row._id);
    if (ids.length === 0) return cleared;
    const result = await withWriteRetry(() => (model as typeof CallLog).updateMany({ _id: { $in: ids } }, { $set: { ...clear, personalDataPurgedAt: new Date() } }));
    cleared += result.modifiedCount;
    onBatch();
    if (ids.length < batchSize) return cleared;
  }
}

/**
 * Retention: the transcripts, recording links and metadata of finished calls created before `cutoff`,
 * and the variables of finished campaign contacts. The rows themselves stay (status, timings and
 * latency carry no personal data and feed analytics).
 */
export async function purgeExpiredPersonalData(cutoff: Date, batchSize: number, onBatch: () => void = () => undefined): Promise<RetentionCounts> {
  const old = { createdAt: { $lt: cutoff } };
  const callLogs = await clearInBatches(
    CallLog,
    { ...old, status: { $in: TERMINAL_CALL_STATUSES } },
    { transcript: [], recordingUrl: null, metadata: {} },
    batchSize,
    onBatch,
  );
  const scheduledCalls = await clearInBatches(ScheduledCall, { ...old, status: { $in: FINISHED_SCHEDULE_STATUSES } }, { metadata: {} }, batchSize, onBatch);
  const campaignContacts = await clearInBatches(CampaignContact, { ...old, status: { $in: FINISHED_CONTACT_STATUSES } }, { variables: {} }, batchSize, onBatch);
  return { callLogs, scheduledCalls, campaignContacts };
}

/**
 * Erasure: every record of the number in the organization loses the number and whatever personal data
 * rode with it. Calls keep their status, timings and latency for the organization's totals. Idempotent:
 * a second run finds nothing left to change.
 */
export async function anonymizeNumberRecords(orgId: string, e164: string): Promise<ErasureCounts> {
  const now = new Date();
  const mine = { orgId, phoneNumber: e164 };
  const erased = { phoneNumber: ERASED_PHONE_NUMBER, phoneLast4: ERASED_PHONE_LAST4, personalDataPurgedAt: now };
  const callLogs = await withWriteRetry(() => CallLog.updateMany(mine, { $set: { ...erased, transcript: [], recordingUrl: null, metadata: {} } }));
  const scheduledCalls = await withWriteRetry(() => ScheduledCall.updateMany(mine, { $set: { ...erased, metadata: {} } }));
  const series = await withWriteRetry(() =>
    RecurrenceSeries.updateMany(mine, { $set: { phoneNumber: ERASED_PHONE_NUMBER, phoneLast4: ERASED_PHONE_LAST4, 'callTemplate.metadata': {} } }),
  );
  const contacts = await CampaignContact.find(mine, { _id: 1 }).lean();
  let campaignContacts = 0;
  for (const contact of contacts) {
    const result = await withWriteRetry(() =>
      CampaignContact.updateOne(
        { _id: contact._id },
        { $set: { ...erased, phoneNumber: erasedContactNumber(contact._id), variables: {} } },
      ),
    );
    campaignContacts += result.modifiedCount;
  }
  // The registry cache is shared by every organization, but it is only a cache: the next check asks Exotel again.
  const dndLookups = await withWriteRetry(() => DndLookup.deleteOne({ _id: e164 }));
  return {
    callLogs: callLogs.modifiedCount,
    scheduledCalls: scheduledCalls.modifiedCount,
    series: series.modifiedCount,
    campaignContacts,
    dndLookups: dndLookups.deletedCount,
  };
}
