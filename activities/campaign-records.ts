import { heartbeat } from '@temporalio/activity';
import { Agent } from '../db/models/agent';
import { Campaign } from '../db/models/campaign';
import { CampaignContact } from '../db/models/campaign-contact';
import { listedAmong } from '../db/do-not-call-list';
import { withWriteRetry } from '../db/transient-write-error';
import { recordingRequested } from '../domain/call-recording';
import { campaignCallId } from '../domain/campaign-ids';
import { isErasedNumber } from '../domain/erasure';
import type { CampaignContactToCall, CampaignProgressRecord } from '../domain/campaign-types';
import type { Priority } from '../domain/priority';

const CONTACT_FIELDS = { orgId: 1, seq: 1, phoneNumber: 1, agentId: 1, variables: 1, scheduledFor: 1, priority: 1, timezone: 1, legalTimezones: 1 } as const;
const READS_AT_ONCE = 10;

interface CampaignContactRow {
  orgId: string;
  seq: number;
  phoneNumber: string;
  agentId: string;
  variables?: Map<string, string> | Record<string, string> | null;
  scheduledFor?: Date | null;
  priority?: string | null;
  timezone?: string | null;
  legalTimezones?: string[] | null;
}

/** The campaign workflow's database side: reading contacts a page at a time and writing progress in batches. */
export function createCampaignRecordActivities() {
  return {
    async loadCampaignContacts(request: { campaignId: string; fromSeq: number; limit: number }): Promise<CampaignContactToCall[]> {
      // One look-up per id, not `$in` or a range of seq: FerretDB answers only a plain `_id` equality
      // from an index, and scanned the whole collection for the others (seconds per page at 10,000).
      const ids = Array.from({ length: request.limit }, (_, i) => campaignCallId(request.campaignId, request.fromSeq + i));
      const found: CampaignContactRow[] = [];
      for (let i = 0; i < ids.length; i += READS_AT_ONCE) {
        const rows = await Promise.all(
          ids.slice(i, i + READS_AT_ONCE).map((id) => CampaignContact.findById(id, CONTACT_FIELDS).lean<CampaignContactRow>()),
        );
        for (const row of rows) if (row) found.push(row);
      }
      const rows = found.sort((a, b) => a.seq - b.seq);
      const agentIds = [...new Set(rows.map((row) => row.agentId))];
      const agents = await Agent.find({ _id: { $in: agentIds } }, { active: 1, maxCallDurationSec: 1, record: 1 }).lean();
      const usable = new Map(agents.filter((agent) => agent.active).map((agent) => [String(agent._id), agent.maxCallDurationSec]));
      const recorded = new Set(agents.filter((agent) => recordingRequested(undefined, agent.record)).map((agent) => String(agent._id)));
      // Checked again when each call dials; here a contact listed since the import is settled without a call.
      const listed = rows.length === 0 ? new Set<string>() : await listedAmong(rows[0].orgId, rows.map((row) => row.phoneNumber));
      const unavailable = (row: CampaignContactRow): CampaignContactToCall['unavailableReason'] => {
        if (isErasedNumber(row.phoneNumber)) return 'erased';
        if (listed.has(row.phoneNumber)) return 'dnd';
        return usable.has(row.agentId) ? null : 'agent_unavailable';
      };
      return rows.map((row) => {
        const maxCallDurationSec = usable.get(row.agentId);
        return {
          seq: row.seq,
          callId: campaignCallId(request.campaignId, row.seq),
          phoneNumber: row.phoneNumber,
          agentId: row.agentId,
          maxCallDurationSec: maxCallDurationSec ?? 0,
          ...(recorded.has(row.agentId) && { record: true }),
          variables: Object.fromEntries(row.variables instanceof Map ? row.variables : Object.entries(row.variables ?? {})),
          scheduledFor: row.scheduledFor ? row.scheduledFor.toISOString() : null,
          priority: (row.priority ?? null) as Priority | null,
          timezone: row.timezone ?? null,
          ...(row.legalTimezones && row.legalTimezones.length > 0 && { legalTimezones: row.legalTimezones }),
          unavailableReason: unavailable(row),
        };
      });
    },

    /**
     * Idempotent: contacts are set, not incremented, and the counters are the workflow's own totals.
     * One update per contact, a few at a time: FerretDB runs a 100-statement bulk write far slower
     * than 100 single writes by id.
     */
    async recordCampaignProgress(record: CampaignProgressRecord): Promise<void> {
      const dispatched = record.dispatchedSeqs.map(({ callId }) => () =>
        CampaignContact.updateOne({ _id: callId }, { $set: { status: 'dispatched', callId } }),
      );
      const finished = record.finishedCalls.map((call) => () =>
        CampaignContact.updateOne({ _id: call.callId }, { $set: { status: call.status, failureReason: call.failureReason, attempts: call.attempts } }),
      );
      // By `_id` alone: any other condition makes FerretDB scan the collection (a 10,000-contact campaign's
      // writes then outlasted their timeout). Dispatch writes go first, so a call that finished in this
      // batch, dispatched in it or before, always ends with its outcome.
      await inSmallGroups(dispatched);
      await inSmallGroups(finished);
      await withWriteRetry(() =>
        Campaign.updateOne(
          { _id: record.campaignId },
          {
            $set: {
              status: record.status,
              'progress.dispatched': record.counts.dispatched,
              'progress.finished': record.counts.finished,
              'progress.inFlight': record.inFlight,
              'progress.waiting': record.waiting,
              'progress.cancelledBeforeDispatch': record.counts.cancelledBeforeDispatch,
              'progress.outcomes': record.counts.outcomes,
              ...(record.completed && { completedAt: new Date() }),
            },
          },
        ),
      );
    },

    async withdrawPendingContacts(request: { campaignId: string; fromSeq: number }): Promise<void> {
      await withWriteRetry(() =>
        CampaignContact.updateMany(
          { campaignId: request.campaignId, seq: { $gte: request.fromSeq }, status: 'pending' },
          { $set: { status: 'cancelled', failureReason: 'campaign_cancelled' } },
        ),
      );
    },

    async markCampaignStarted(campaignId: string): Promise<void> {
      await withWriteRetry(() =>
        Campaign.updateOne({ _id: campaignId, startedAt: null }, { $set: { startedAt: new Date(), status: 'running' } }),
      );
    },
  };
}

const WRITES_AT_ONCE = 8;

async function inSmallGroups(writes: (() => Promise<unknown>)[]): Promise<void> {
  for (let i = 0; i < writes.length; i += WRITES_AT_ONCE) {
    await Promise.all(writes.slice(i, i + WRITES_AT_ONCE).map((write) => withWriteRetry(write)));
    // A large batch on a busy database takes minutes; the heartbeat tells a slow write from a dead worker.
    heartbeat(i);
  }
}

export type CampaignRecordActivities = ReturnType<typeof createCampaignRecordActivities>;
