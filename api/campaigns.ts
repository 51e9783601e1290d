import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { Campaign } from '../db/models/campaign';
import { CampaignContact } from '../db/models/campaign-contact';
import { listedAmong } from '../db/do-not-call-list';
import { withWriteRetry } from '../db/transient-write-error';
import { campaignCallId } from '../domain/campaign-ids';
import { campaignProgressFigures, isFinalCampaignStatus } from '../domain/campaign-progress';
import type { CampaignCallTemplate, CampaignCounts, CampaignStatus, CampaignStatusView, CampaignThrottle, CampaignWorkflowInput } from '../domain/campaign-types';
import type { CallTimings } from '../domain/call-timings';
import type { CallWindowSettings } from '../domain/call-window-settings';
import { AGENT_ID_KEY, CAMPAIGN_ID_KEY } from '../domain/call-search-attributes';
import type { TerminalCallStatus } from '../domain/call-status';
import type { ContactDraft, RowError } from '../domain/contact-row';
import { NUMBER_ON_DO_NOT_CALL_LIST } from '../domain/do-not-call';
import { lastFourDigits } from '../domain/phone-mask';
import type { Priority } from '../domain/priority';
import type { RetryPolicyOverride } from '../domain/retry-policy';
import { campaignWorkflow } from '../workflows/campaign/campaign-workflow';
import { campaignStatusQuery, campaignWorkflowId } from '../workflows/messages';
import { ApiError } from './api-error';
import { reserveOrgCallsOrRefuse } from './org-limits';
import type { CallRoutesContext } from './call-context';
import { idempotentCampaignId, randomCampaignId } from './identifiers';
import { isTemporalUnavailable, temporalUnavailable, withDeadline } from './temporal-calls';

/** One checked contact, or the errors of a row that will not be called (from the CSV reader or the JSON body). */
type CheckedContact = ContactDraft & { agentId: string };
export type ContactCheck = { ok: true; contact: CheckedContact } | { ok: false; errors: RowError[] };

export interface CampaignRequest {
  name: string;
  source: 'json' | 'csv';
  /** The agent of contacts that name none. */
  agentId: string | null;
  priority: Priority;
  throttle: CampaignThrottle;
  /** Epoch ms; absent = start now. */
  startAt?: number;
  windows: CallWindowSettings;
  retryPolicy?: RetryPolicyOverride;
  ringTimeoutSec?: number;
  callbackUrl?: string;
  /** Not taken from HTTP: fault tests shorten the calls' reconciliation waits, as they do for single calls. */
  timings?: Partial<CallTimings>;
}

/** Rows kept on the campaign for the API to show; the count covers all of them. */
const ROW_ERRORS_KEPT = 500;
const INSERT_BATCH = 1_000;

/**
 * Creates a campaign from a stream of checked contacts: the contacts are written in batches as they
 * arrive (never the whole list in memory), then the workflow starts. An import that fails part-way
 * (a limit, a broken upload) removes what it wrote: nothing half-made is left to call.
 */
export async function createCampaign(
  ctx: CallRoutesContext,
  orgId: string,
  request: CampaignRequest,
  contacts: AsyncIterable<ContactCheck>,
  idempotencyKey: string | undefined,
): Promise<{ view: CampaignView; replay: boolean }> {
  const campaignId = idempotencyKey === undefined ? randomCampaignId() : idempotentCampaignId(orgId, idempotencyKey);
  if (idempotencyKey !== undefined) {
    const existing = await Campaign.findById(campaignId, { status: 1 }).lean();
    if (existing && existing.status !== 'importing') return { view: await loadCampaign(ctx, orgId, campaignId), replay: true };
    if (existing) await discardImport(campaignId);
  }
  const scheduled = request.startAt !== undefined && request.startAt > Date.now();
  await withWriteRetry(() =>
    Campaign.create({
      _id: campaignId,
      orgId,
      name: request.name,
      agentId: request.agentId,
      source: request.source,
      status: 'importing',
      priority: request.priority,
      throttle: request.throttle,
      scheduledFor: scheduled ? new Date(request.startAt!) : null,
      businessHours: request.windows.business ?? null,
      timezone: request.windows.timezone,
      retryPolicy: request.retryPolicy ?? null,
      idempotencyKey: idempotencyKey ?? null,
      workflowId: campaignWorkflowId(campaignId),
    }),
  );

  let total = 0;
  let rowErrorCount = 0;
  const rowErrors: RowError[] = [];
  const recordRowErrors = (errors: RowError[]) => {
    rowErrorCount += 1;
    for (const error of errors) if (rowErrors.length < ROW_ERRORS_KEPT) rowErrors.push(error);
  };
  /** Listed numbers are skipped as row errors (the reason recorded on the campaign); the rest get their seq. */
  const insertUnlisted = async (drafts: CheckedContact[]) => {
    const listed = await listedAmong(orgId, drafts.map((contact) => contact.phoneNumber));
    const rows: Record<string, unknown>[] = [];
    for (const contact of drafts) {
      if (listed.has(contact.phoneNumber)) {
        recordRowErrors([{ line: contact.line, field: 'phone_number', code: NUMBER_ON_DO_NOT_CALL_LIST, message: "the number is on the organization's do-not-call list" }]);
        continue;
      }
      rows.push({
        _id: campaignCallId(campaignId, total),
        orgId,
        campaignId,
        seq: total,
        line: contact.line,
        phoneNumber: contact.phoneNumber,
        phoneLast4: lastFourDigits(contact.phoneNumber),
        agentId: contact.agentId,
        scheduledFor: contact.scheduledFor ? new Date(contact.scheduledFor) : null,
        priority: contact.priority,
        timezone: contact.timezone,
        legalTimezones: contact.legalTimezones,
        variables: contact.variables,
      });
      total += 1;
    }
    await insertContacts(rows);
  };
  try {
    let batch: CheckedContact[] = [];
    for await (const check of contacts) {
      if (!check.ok) {
        recordRowErrors(check.errors);
        continue;
      }
      batch.push(check.contact);
      if (batch.length >= INSERT_BATCH) {
        await insertUnlisted(batch);
        batch = [];
      }
    }
    await insertUnlisted(batch);
  } catch (err) {
    await discardImport(campaignId);
    throw err;
  }
  if (total === 0) {
    await discardImport(campaignId);
    throw new ApiError(422, 'NO_VALID_CONTACTS', 'no row of the list can be called', { rowErrorCount, rowErrors: rowErrors.slice(0, 50) });
  }

  try {
    await reserveOrgCallsOrRefuse(ctx.orgCalls, orgId, total);
  } catch (err) {
    await discardImport(campaignId);
    throw err;
  }
  const status: CampaignStatus = scheduled ? 'scheduled' : 'running';
  await withWriteRetry(() =>
    Campaign.updateOne({ _id: campaignId }, { $set: { status, 'progress.total': total, rowErrors, rowErrorCount } }),
  );
  const template: CampaignCallTemplate = {
    orgId,
    priority: request.priority,
    exotelAccount: ctx.config.EXOTEL_ACCOUNT_SID,
    exotelTaskQueue: ctx.config.TEMPORAL_EXOTEL_TASK_QUEUE,
    callingWindow: request.windows,
    dndCheck: ctx.config.DND_CHECK_ENABLED,
    ...(request.retryPolicy && { retryPolicy: request.retryPolicy }),
    ...(request.ringTimeoutSec !== undefined && { ringTimeoutSec: request.ringTimeoutSec }),
    ...(request.timings && { timings: request.timings }),
    ...(request.callbackUrl !== undefined && { callbackUrl: request.callbackUrl }),
  };
  const input: CampaignWorkflowInput = {
    campaignId,
    total,
    callTaskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
    template,
    throttle: request.throttle,
    contactsPerRun: ctx.config.CAMPAIGN_CONTACTS_PER_RUN,
    ...(scheduled && { scheduledFor: new Date(request.startAt!).toISOString() }),
  };
  try {
    await withDeadline(ctx.temporal, ctx.timeouts.writeMs, () =>
      ctx.temporal.workflow.start(campaignWorkflow, {
        workflowId: campaignWorkflowId(campaignId),
        taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: CAMPAIGN_ID_KEY, value: campaignId },
          ...(request.agentId === null ? [] : [{ key: AGENT_ID_KEY, value: request.agentId }]),
        ],
      }),
    );
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { view: await loadCampaign(ctx, orgId, campaignId), replay: true };
    // Not started: the imported list is removed, so a retry of the same request starts clean.
    await discardImport(campaignId);
    if (isTemporalUnavailable(err)) throw temporalUnavailable();
    throw err;
  }
  ctx.logger.info({ campaignId, total, rowErrorCount, source: request.source }, 'campaign created');
  return { view: await loadCampaign(ctx, orgId, campaignId), replay: false };
}

async function insertContacts(batch: Record<string, unknown>[]): Promise<void> {
  if (batch.length === 0) return;
  await withWriteRetry(() => CampaignContact.insertMany(batch, { ordered: false }));
}

async function discardImport(campaignId: string): Promise<void> {
  await withWriteRetry(() => CampaignContact.deleteMany({ campaignId }));
  await withWriteRetry(() => Campaign.deleteOne({ _id: campaignId }));
}

export interface CampaignView {
  batchId: string;
  campaignId: string;
  name: string;
  source: string;
  status: CampaignStatus;
  agentId: string | null;
  priority: string;
  throttle: CampaignThrottle;
  scheduledFor: string | null;
  workflowId: string;
  progress: ReturnType<typeof campaignProgressFigures> & { outcomes: Partial<Record<TerminalCallStatus, number>> };
  rowErrorCount: number;
  rowErrors: RowError[];
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** True when the progress comes from the running workflow, false when from the last write to the database. */
  live: boolean;
}

type StoredCampaign = NonNullable<Awaited<ReturnType<typeof findCampaign>>>;

function findCampaign(orgId: string, campaignId: string, withRowErrors = true) {
  return Campaign.findOne({ _id: campaignId, orgId }, withRowErrors ? {} : { rowErrors: 0 }).lean();
}

/** The stored campaign, with the workflow's fresher progress while it runs; `rowErrors` left empty unless asked for. */
export async function loadCampaign(ctx: Pick<CallRoutesContext, 'temporal' | 'timeouts' | 'logger'>, orgId: string, campaignId: string, withRowErrors = true): Promise<CampaignView> {
  const row = await findCampaign(orgId, campaignId, withRowErrors);
  if (!row || row.status === 'importing') throw new ApiError(404, 'BATCH_NOT_FOUND', `Batch ${campaignId} does not exist`);
  let live: CampaignStatusView | null = null;
  if (!isFinalCampaignStatus(row.status as CampaignStatus)) {
    try {
      live = await withDeadline(ctx.temporal, ctx.timeouts.queryMs, () =>
        ctx.temporal.workflow.getHandle(campaignWorkflowId(campaignId)).query(campaignStatusQuery),
      );
    } catch (err) {
      ctx.logger.warn({ err, campaignId }, 'campaign workflow did not answer its status query; showing the stored progress');
    }
  }
  return toCampaignView(row, live);
}

type CampaignRow = Omit<StoredCampaign, 'rowErrors'> & { rowErrors?: { line: number; field?: string | null; code: string; message: string }[] };

export function toCampaignView(row: CampaignRow, live: CampaignStatusView | null): CampaignView {
  const stored = row.progress;
  const outcomes = (live?.outcomes ?? mapToObject(stored?.outcomes)) as Partial<Record<TerminalCallStatus, number>>;
  const counts: CampaignCounts = live
    ? { dispatched: live.dispatched, finished: live.finished, outcomes, cancelledBeforeDispatch: live.cancelledBeforeDispatch }
    : {
        dispatched: stored?.dispatched ?? 0,
        finished: stored?.finished ?? 0,
        outcomes,
        cancelledBeforeDispatch: stored?.cancelledBeforeDispatch ?? 0,
      };
  const total = stored?.total ?? 0;
  return {
    batchId: String(row._id),
    campaignId: String(row._id),
    name: row.name,
    source: row.source,
    status: (live?.status ?? row.status) as CampaignStatus,
    agentId: row.agentId ?? null,
    priority: row.priority,
    throttle: live?.throttle ?? { maxConcurrent: row.throttle?.maxConcurrent ?? 1, delayBetweenCallsMs: row.throttle?.delayBetweenCallsMs ?? 0 },
    scheduledFor: row.scheduledFor ? row.scheduledFor.toISOString() : null,
    workflowId: row.workflowId,
    progress: {
      ...campaignProgressFigures(total, counts, live?.inFlight ?? stored?.inFlight ?? 0, live?.waiting ?? stored?.waiting ?? 0),
      outcomes,
    },
    rowErrorCount: row.rowErrorCount ?? 0,
    rowErrors: (row.rowErrors ?? []).map((error) => ({ line: error.line, field: error.field ?? null, code: error.code, message: error.message })),
    createdAt: (row.createdAt as Date).toISOString(),
    startedAt: row.startedAt ? row.startedAt.toISOString() : null,
    completedAt: row.completedAt ? row.completedAt.toISOString() : null,
    live: live !== null,
  };
}

function mapToObject(value: unknown): Record<string, number> {
  if (value instanceof Map) return Object.fromEntries(value);
  return (value ?? {}) as Record<string, number>;
}

/** Ids of a campaign's calls, in contact order: they are derived, so they are known before the calls start. */
export function campaignCallIds(campaignId: string, total: number): string[] {
  return Array.from({ length: total }, (_, seq) => campaignCallId(campaignId, seq));
}
