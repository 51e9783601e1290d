import type { AnyBulkWriteOperation } from 'mongoose';
import { Agent } from '../db/models/agent';
import { Campaign } from '../db/models/campaign';
import { CampaignContact } from '../db/models/campaign-contact';
import { withWriteRetry } from '../db/transient-write-error';
import { campaignCallId } from '../domain/campaign-ids';
import type { CampaignContactToCall, CampaignProgressRecord } from '../domain/campaign-types';
import type { Priority } from '../domain/priority';

/** The campaign workflow's database side: reading contacts a page at a time and writing progress in batches. */
export function createCampaignRecordActivities() {
  return {
    async loadCampaignContacts(request: { campaignId: string; fromSeq: number; limit: number }): Promise<CampaignContactToCall[]> {
      const rows = await CampaignContact.find(
        { campaignId: request.campaignId, seq: { $gte: request.fromSeq } },
        { seq: 1, phoneNumber: 1, agentId: 1, variables: 1, scheduledFor: 1, priority: 1, timezone: 1 },
      )
        .sort({ seq: 1 })
        .limit(request.limit)
        .lean();
      const agentIds = [...new Set(rows.map((row) => row.agentId))];
      const agents = await Agent.find({ _id: { $in: agentIds } }, { active: 1, maxCallDurationSec: 1 }).lean();
      const usable = new Map(agents.filter((agent) => agent.active).map((agent) => [String(agent._id), agent.maxCallDurationSec]));
      return rows.map((row) => {
        const maxCallDurationSec = usable.get(row.agentId);
        return {
          seq: row.seq,
          callId: campaignCallId(request.campaignId, row.seq),
          phoneNumber: row.phoneNumber,
          agentId: row.agentId,
          maxCallDurationSec: maxCallDurationSec ?? 0,
          variables: Object.fromEntries(row.variables instanceof Map ? row.variables : Object.entries(row.variables ?? {})),
          scheduledFor: row.scheduledFor ? row.scheduledFor.toISOString() : null,
          priority: (row.priority ?? null) as Priority | null,
          timezone: row.timezone ?? null,
          unavailableReason: maxCallDurationSec === undefined ? 'agent_unavailable' : null,
        };
      });
    },

    /** Idempotent: contacts are set, not incremented, and the counters are the workflow's own totals. */
    async recordCampaignProgress(record: CampaignProgressRecord): Promise<void> {
      const operations: AnyBulkWriteOperation[] = [
        ...record.dispatchedSeqs.map(({ seq, callId }) => ({
          updateOne: {
            filter: { campaignId: record.campaignId, seq, status: 'pending' },
            update: { $set: { status: 'dispatched', callId } },
          },
        })),
        ...record.finishedCalls.map((call) => ({
          updateOne: {
            filter: { campaignId: record.campaignId, callId: call.callId },
            update: { $set: { status: call.status, failureReason: call.failureReason, attempts: call.attempts } },
          },
        })),
      ];
      // Dispatch writes come first in the list and a finished call was always dispatched in an earlier or
      // the same batch, so the ordered write never sets a finished contact back to "dispatched".
      if (operations.length > 0) await withWriteRetry(() => CampaignContact.bulkWrite(operations, { ordered: true }));
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

export type CampaignRecordActivities = ReturnType<typeof createCampaignRecordActivities>;
