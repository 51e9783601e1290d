import { Campaign } from '../db/models/campaign';
import { CampaignContact } from '../db/models/campaign-contact';
import type { CampaignStatus } from '../domain/campaign-types';
import { maskPhoneNumbers } from '../domain/phone-mask';
import { callWorkflowId } from '../workflows/messages';
import { ApiError } from './api-error';
import { toCampaignView } from './campaigns';

/** Campaign lists read the database only: a page of twenty campaigns never waits on twenty workflow queries. */
export async function listCampaigns(filter: { orgId: string; page: number; limit: number; status?: CampaignStatus; agentId?: string }) {
  const query: Record<string, unknown> = { orgId: filter.orgId, status: filter.status ?? { $ne: 'importing' } };
  if (filter.agentId) query.agentId = filter.agentId;
  const [rows, total] = await Promise.all([
    Campaign.find(query, { rowErrors: 0 }).sort({ createdAt: -1, _id: 1 }).skip((filter.page - 1) * filter.limit).limit(filter.limit).lean(),
    Campaign.countDocuments(query),
  ]);
  return {
    // Row errors stay on the batch's own page; the list carries their count.
    data: rows.map((row) => toCampaignView(row, null)),
    page: filter.page,
    limit: filter.limit,
    total,
  };
}

/** A campaign's contacts with their call's status and the call's workflow id (for a link to the Temporal UI). */
export async function listCampaignContacts(orgId: string, campaignId: string, filter: { page: number; limit: number; status?: string }) {
  const exists = await Campaign.exists({ _id: campaignId, orgId, status: { $ne: 'importing' } });
  if (!exists) throw new ApiError(404, 'BATCH_NOT_FOUND', `Batch ${campaignId} does not exist`);
  const query: Record<string, unknown> = { campaignId };
  if (filter.status) query.status = filter.status;
  const [rows, total] = await Promise.all([
    CampaignContact.find(query).sort({ seq: 1 }).skip((filter.page - 1) * filter.limit).limit(filter.limit).lean(),
    CampaignContact.countDocuments(query),
  ]);
  return {
    data: rows.map((row) => ({
      seq: row.seq,
      line: row.line ?? null,
      phoneNumber: maskPhoneNumbers(row.phoneNumber),
      agentId: row.agentId,
      status: row.status,
      failureReason: row.failureReason ?? null,
      attempts: row.attempts ?? 0,
      callId: row.callId ?? null,
      workflowId: row.callId ? callWorkflowId(row.callId) : null,
      variables: Object.fromEntries(row.variables instanceof Map ? row.variables : Object.entries(row.variables ?? {})),
    })),
    page: filter.page,
    limit: filter.limit,
    total,
  };
}

/** Totals over every campaign, by status and by call outcome (summed in code: FerretDB has no $facet). */
export async function campaignStats(orgId: string) {
  const byStatus = await Campaign.aggregate<{ _id: string; count: number; contacts: number }>([
    { $match: { orgId, status: { $ne: 'importing' } } },
    { $group: { _id: '$status', count: { $sum: 1 }, contacts: { $sum: '$progress.total' } } },
  ]);
  const byContactStatus = await CampaignContact.aggregate<{ _id: string; count: number }>([
    { $match: { orgId } },
    { $group: { _id: '$status', count: { $sum: 1 } } },
  ]);
  const campaigns: Record<string, number> = {};
  let totalContacts = 0;
  for (const row of byStatus) {
    campaigns[row._id] = row.count;
    totalContacts += row.contacts;
  }
  const contacts: Record<string, number> = {};
  for (const row of byContactStatus) contacts[row._id] = row.count;
  return {
    campaigns: { total: byStatus.reduce((sum, row) => sum + row.count, 0), byStatus: campaigns },
    contacts: { total: totalContacts, byStatus: contacts },
  };
}
