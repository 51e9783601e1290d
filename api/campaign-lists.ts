import { Campaign } from '../db/models/campaign';
import { CampaignContact } from '../db/models/campaign-contact';
import type { CampaignStatus } from '../domain/campaign-types';
import { csvLine } from '../domain/csv-cell';
import { maskPhoneNumbers } from '../domain/phone-mask';
import { maskContactVariables } from '../domain/variable-mask';
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

type StoredVariables = Map<string, string> | Record<string, string> | null | undefined;

function variablesOf(stored: StoredVariables): Record<string, string> {
  return Object.fromEntries(stored instanceof Map ? stored : Object.entries(stored ?? {}));
}

async function requireCampaign(orgId: string, campaignId: string): Promise<void> {
  const exists = await Campaign.exists({ _id: campaignId, orgId, status: { $ne: 'importing' } });
  if (!exists) throw new ApiError(404, 'BATCH_NOT_FOUND', `Batch ${campaignId} does not exist`);
}

/**
 * A campaign's contacts with their call's status and the call's workflow id (for a link to the Temporal
 * UI). Numbers are masked, and so are variables outside `columnsInClear` (domain/variable-mask.ts).
 */
export async function listCampaignContacts(
  orgId: string,
  campaignId: string,
  filter: { page: number; limit: number; status?: string },
  columnsInClear: readonly string[],
) {
  await requireCampaign(orgId, campaignId);
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
      variables: maskContactVariables(variablesOf(row.variables), columnsInClear),
    })),
    page: filter.page,
    limit: filter.limit,
    total,
  };
}

const EXPORT_COLUMNS = ['seq', 'line', 'phone_number', 'agent_id', 'status', 'failure_reason', 'attempts', 'call_id'];

/**
 * The contacts of a campaign as CSV lines, masked as in the list and with every cell neutralized against
 * formula injection (domain/csv-cell.ts). The header names each variable column met in the campaign.
 */
export async function* exportCampaignContacts(orgId: string, campaignId: string, columnsInClear: readonly string[]): AsyncGenerator<string> {
  await requireCampaign(orgId, campaignId);
  const variableNames = new Set<string>();
  for await (const row of CampaignContact.find({ campaignId }, { variables: 1 }).lean().cursor()) {
    for (const name of Object.keys(variablesOf(row.variables))) variableNames.add(name);
  }
  const variables = [...variableNames].sort();
  yield csvLine([...EXPORT_COLUMNS, ...variables]);
  for await (const row of CampaignContact.find({ campaignId }).sort({ seq: 1 }).lean().cursor()) {
    const masked = maskContactVariables(variablesOf(row.variables), columnsInClear);
    yield csvLine([
      row.seq,
      row.line ?? null,
      maskPhoneNumbers(row.phoneNumber),
      row.agentId,
      row.status,
      row.failureReason ?? null,
      row.attempts ?? 0,
      row.callId ?? null,
      ...variables.map((name) => masked[name] ?? null),
    ]);
  }
}

/** Totals over every campaign, by status and by call outcome (summed in code: FerretDB has no $facet). */
export async function campaignStats(orgId: string) {
  const byStatus = await Campaign.aggregate<{ _id: string; count: number }>([
    { $match: { orgId, status: { $ne: 'importing' } } },
    { $group: { _id: '$status', count: { $sum: 1 } } },
  ]);
  const byContactStatus = await CampaignContact.aggregate<{ _id: string; count: number }>([
    { $match: { orgId } },
    { $group: { _id: '$status', count: { $sum: 1 } } },
  ]);
  const campaigns: Record<string, number> = {};
  for (const row of byStatus) campaigns[row._id] = row.count;
  const contacts: Record<string, number> = {};
  for (const row of byContactStatus) contacts[row._id] = row.count;
  // Totals are the sums of their tallies: FerretDB sums plain fields only (docs/database.md), not `$progress.total`.
  return {
    campaigns: { total: byStatus.reduce((sum, row) => sum + row.count, 0), byStatus: campaigns },
    contacts: { total: byContactStatus.reduce((sum, row) => sum + row.count, 0), byStatus: contacts },
  };
}
