import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { DateTime } from 'luxon';
import { Agent } from '../db/models/agent';
import { RecurrenceSeries } from '../db/models/recurrence-series';
import type { CreateSeriesRequest } from '../domain/api-schemas/schedules';
import { AGENT_ID_KEY, NEXT_ATTEMPT_AT_KEY, PHONE_LAST4_KEY, SERIES_ID_KEY } from '../domain/call-search-attributes';
import { nextCallableTime } from '../domain/daily-window';
import { firstDialWindows, type CallWindowSettings } from '../domain/call-window-settings';
import { lastFourDigits } from '../domain/phone-mask';
import { describePhoneNumberProblem, normalizePhoneNumber } from '../domain/phone-number';
import { describeRuleProblem, firstOccurrenceIndexAtOrAfter, occurrenceAt, upcomingOccurrences, type RecurrenceRule } from '../domain/recurrence';
import type { RecurrenceWorkflowInput, SeriesStatusView, UpcomingOccurrence } from '../domain/series-types';
import type { UpdateDefinition } from '@temporalio/common';
import {
  cancelSeriesUpdate,
  pauseSeriesUpdate,
  resumeSeriesUpdate,
  seriesStatusQuery,
  seriesWorkflowId,
  skipNextOccurrenceUpdate,
} from '../workflows/messages';
import { recurrenceWorkflow } from '../workflows/recurrence';
import { ApiError } from './api-error';
import { refuseListedNumber } from './do-not-call-refusal';
import type { CallRoutesContext } from './call-context';
import { calleeLegalTimezones, callWindowSettings, placeFirstDial, requireTimeZone, type WindowConfig } from './call-window-request';
import { recordingRequested } from '../domain/call-recording';
import { callingPolicyFor } from '../domain/calling-policy';
import { idempotentSeriesId, randomSeriesId, requestHash } from './identifiers';
import { isTemporalUnavailable, requireTemporal, temporalUnavailable, withDeadline } from './temporal-calls';
import { runWorkflowUpdate } from './workflow-updates';

const UPCOMING_SHOWN = 5;

type StoredSeries = NonNullable<Awaited<ReturnType<typeof findSeries>>>;

function findSeries(orgId: string, seriesId: string) {
  return RecurrenceSeries.findOne({ _id: seriesId, orgId }).lean();
}

/**
 * Creates a series: every rule and window problem is a 400 before anything is written; the row is
 * written before the workflow starts so the workflow's updates always find it.
 */
export async function createSeries(ctx: CallRoutesContext, orgId: string, request: CreateSeriesRequest, idempotencyKey: string | undefined) {
  const phone = normalizePhoneNumber(request.phoneNumber, ctx.config.DEFAULT_COUNTRY);
  if (!phone.ok) throw new ApiError(400, 'INVALID_PHONE_NUMBER', describePhoneNumberProblem(phone.reason), { reason: phone.reason });
  const timezone = requireTimeZone(request.timezone ?? ctx.config.DEFAULT_CALLEE_TIMEZONE, 'timezone');
  const rule: RecurrenceRule = {
    frequency: request.frequency,
    interval: request.interval,
    startDate: request.startDate ?? DateTime.now().setZone(timezone).toISODate()!,
    timeOfDay: request.timeOfDay,
    timezone,
    ...(request.daysOfWeek !== undefined && { daysOfWeek: request.daysOfWeek }),
    ...(request.dayOfMonth !== undefined && { dayOfMonth: request.dayOfMonth }),
    endDate: request.endDate ?? null,
    maxOccurrences: request.maxOccurrences ?? null,
  };
  const problem = describeRuleProblem(rule);
  if (problem) throw new ApiError(400, problem.code, problem.message, { field: problem.field });
  const policy = callingPolicyFor(ctx.config, orgId);
  const windows: CallWindowSettings = {
    ...callWindowSettings(ctx.config, {
      timezone,
      respectBusinessHours: request.respectBusinessHours,
      businessHours: request.businessHours,
      avoidPeakHours: request.retryPolicy?.avoidPeakHours,
    }),
    legalTimezones: calleeLegalTimezones(policy, phone.e164, request.timezone ?? null),
  };
  const firstIndex = firstOccurrenceIndexAtOrAfter(rule, Date.now());
  const firstAt = firstIndex === null ? null : occurrenceAt(rule, firstIndex);
  if (firstAt === null) throw new ApiError(400, 'NO_FUTURE_OCCURRENCE', 'the series has no occurrence after now (check startDate, endDate and maxOccurrences)');
  const firstEffective = placeFirstDial(windows, firstAt);

  const agent = await Agent.findOne({ _id: request.agentId, orgId }, { active: 1, maxCallDurationSec: 1, record: 1 }).lean();
  if (!agent) throw new ApiError(404, 'AGENT_NOT_FOUND', `Agent ${request.agentId} does not exist`);
  if (!agent.active) throw new ApiError(422, 'AGENT_INACTIVE', `Agent ${request.agentId} is inactive`);
  await refuseListedNumber(orgId, phone.e164);

  const seriesId = request.id ?? (idempotencyKey === undefined ? randomSeriesId() : idempotentSeriesId(orgId, idempotencyKey));
  const metadata = request.metadata ?? {};
  const hash = requestHash({ ...request, phoneNumber: phone.e164, rule, metadata });
  const input: RecurrenceWorkflowInput = {
    seriesId,
    rule,
    callTaskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
    prewarmLeadMs: ctx.config.PREWARM_LEAD_SEC * 1000,
    call: {
      orgId,
      phoneNumber: phone.e164,
      agentId: request.agentId,
      priority: request.priority,
      maxCallDurationSec: Math.min(agent.maxCallDurationSec, policy.maxCallDurationSec),
      ...(recordingRequested(undefined, agent.record) && { record: true }),
      exotelAccount: ctx.config.EXOTEL_ACCOUNT_SID,
      exotelTaskQueue: ctx.config.TEMPORAL_EXOTEL_TASK_QUEUE,
      ...(request.retryPolicy && { retryPolicy: request.retryPolicy }),
      metadata,
      ...(request.ringTimeoutSec !== undefined && { ringTimeoutSec: request.ringTimeoutSec }),
      callingWindow: windows,
      dndCheck: ctx.config.DND_CHECK_ENABLED,
    },
  };

  const existing = await insertSeriesRow(seriesId, {
    orgId,
    workflowId: seriesWorkflowId(seriesId),
    agentId: request.agentId,
    phoneNumber: phone.e164,
    phoneLast4: lastFourDigits(phone.e164),
    frequency: rule.frequency,
    interval: rule.interval,
    daysOfWeek: rule.daysOfWeek ?? [],
    dayOfMonth: rule.dayOfMonth ?? null,
    timeOfDay: rule.timeOfDay,
    timezone,
    legalTimezones: windows.legalTimezones,
    startDate: rule.startDate,
    endDate: rule.endDate,
    maxOccurrences: rule.maxOccurrences,
    businessHours: windows.business ?? null,
    callTemplate: { priority: request.priority, retryPolicy: request.retryPolicy ?? null, metadata },
    status: 'active',
    nextOccurrenceIndex: firstIndex,
    nextOccurrenceAt: new Date(firstEffective.at),
    requestHash: hash,
  });
  // A client-chosen id another organization holds: refused like a conflict, without showing that series.
  if (existing && existing.orgId !== orgId) throw new ApiError(409, 'SERIES_EXISTS', `Series ${seriesId} already exists`);
  if (existing && existing.requestHash !== hash) {
    throw new ApiError(409, idempotencyKey === undefined ? 'SERIES_EXISTS' : 'IDEMPOTENCY_KEY_REUSED', `Series ${seriesId} already exists with a different definition`);
  }

  try {
    await withDeadline(ctx.temporal, ctx.timeouts.writeMs, () =>
      ctx.temporal.workflow.start(recurrenceWorkflow, {
        workflowId: seriesWorkflowId(seriesId),
        taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: SERIES_ID_KEY, value: seriesId },
          { key: AGENT_ID_KEY, value: request.agentId },
          { key: PHONE_LAST4_KEY, value: lastFourDigits(phone.e164) },
          { key: NEXT_ATTEMPT_AT_KEY, value: new Date(firstEffective.at) },
        ],
      }),
    );
  } catch (err) {
    if (isTemporalUnavailable(err)) throw temporalUnavailable();
    // A finished series of the same id keeps its row; anything else refused leaves no orphan behind.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError) && !existing) await RecurrenceSeries.deleteOne({ _id: seriesId });
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw new ApiError(409, 'SERIES_EXISTS', `Series ${seriesId} has already run`);
    throw err;
  }
  ctx.logger.info({ seriesId, agentId: request.agentId, phoneNumber: phone.e164, frequency: rule.frequency }, 'series created');
  return { replay: existing !== null, view: await loadSeries(ctx, orgId, seriesId) };
}

async function insertSeriesRow(seriesId: string, row: Record<string, unknown>) {
  try {
    return await RecurrenceSeries.findOneAndUpdate({ _id: seriesId }, { $setOnInsert: row }, { upsert: true, returnDocument: 'before' }).lean<
      StoredSeries & { requestHash?: string }
    >();
  } catch (err) {
    if ((err as { code?: number }).code !== 11000) throw err;
    return RecurrenceSeries.findById(seriesId).lean<StoredSeries & { requestHash?: string }>();
  }
}

/** The row, with the workflow's live view where it answers, else the upcoming times computed from the rule. */
export async function loadSeries(ctx: CallRoutesContext, orgId: string, seriesId: string) {
  const row = await findSeries(orgId, seriesId);
  if (!row) throw new ApiError(404, 'SERIES_NOT_FOUND', `Series ${seriesId} does not exist`);
  let live: SeriesStatusView | null = null;
  if (row.status === 'active' || row.status === 'paused') {
    try {
      live = await withDeadline(ctx.temporal, ctx.timeouts.queryMs, () =>
        ctx.temporal.workflow.getHandle(seriesWorkflowId(seriesId)).query(seriesStatusQuery),
      );
    } catch (err) {
      ctx.logger.warn({ err, seriesId }, 'series workflow did not answer its status query; showing the stored state');
    }
  }
  return toSeriesView(row, live, ctx.config);
}

function ruleOf(row: StoredSeries): RecurrenceRule {
  return {
    frequency: row.frequency,
    interval: row.interval ?? 1,
    startDate: row.startDate,
    timeOfDay: row.timeOfDay,
    timezone: row.timezone,
    ...(row.daysOfWeek && row.daysOfWeek.length > 0 && { daysOfWeek: row.daysOfWeek }),
    ...(row.dayOfMonth != null && { dayOfMonth: row.dayOfMonth }),
    endDate: row.endDate ?? null,
    maxOccurrences: row.maxOccurrences ?? null,
  };
}

/** Computed from the stored rule and windows when the workflow cannot be asked. */
function storedUpcoming(row: StoredSeries, config: WindowConfig): UpcomingOccurrence[] {
  if (row.status !== 'active' && row.status !== 'paused') return [];
  const windows: CallWindowSettings = {
    ...callWindowSettings(config, {
      timezone: row.timezone,
      respectBusinessHours: Boolean(row.businessHours),
      businessHours: row.businessHours ?? undefined,
    }),
    ...(row.legalTimezones && row.legalTimezones.length > 0 && { legalTimezones: row.legalTimezones }),
  };
  return upcomingOccurrences(ruleOf(row), row.nextOccurrenceIndex ?? 0, UPCOMING_SHOWN).map(({ index, at }) => {
    const placed = nextCallableTime(at, firstDialWindows(windows));
    return { occurrence: index + 1, at: new Date(at).toISOString(), effectiveAt: placed.ok ? new Date(placed.at).toISOString() : null };
  });
}

export function toSeriesView(row: StoredSeries, live: SeriesStatusView | null, config: WindowConfig) {
  const status = live?.status ?? row.status;
  // The cancel update answers with the view it had before its loop ends: a finished series has nothing ahead.
  const finished = status === 'cancelled' || status === 'completed';
  return {
    seriesId: row._id,
    workflowId: row.workflowId,
    status,
    agentId: row.agentId,
    phoneNumber: row.phoneNumber,
    frequency: row.frequency,
    interval: row.interval,
    daysOfWeek: row.daysOfWeek ?? [],
    dayOfMonth: row.dayOfMonth ?? null,
    timeOfDay: row.timeOfDay,
    timezone: row.timezone,
    startDate: row.startDate,
    endDate: row.endDate ?? null,
    maxOccurrences: row.maxOccurrences ?? null,
    businessHours: row.businessHours ?? null,
    callTemplate: row.callTemplate,
    occurrencesStarted: live?.occurrencesStarted ?? row.occurrencesStarted ?? 0,
    nextOccurrenceAt: finished ? null : live ? live.nextOccurrenceAt : (row.nextOccurrenceAt?.toISOString() ?? null),
    nextOccurrences: finished ? [] : (live?.upcoming ?? storedUpcoming(row, config)),
    lastCallId: live?.lastCallId ?? row.lastCallId ?? null,
    pendingSkips: finished ? 0 : (live?.pendingSkips ?? 0),
    skipped: row.skipped ?? [],
    statusReason: row.statusReason ?? null,
    live: live !== null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function listSeries(config: WindowConfig, filter: { orgId: string; agentId?: string; status?: string; page: number; limit: number }) {
  const query: Record<string, unknown> = { orgId: filter.orgId };
  if (filter.agentId) query.agentId = filter.agentId;
  if (filter.status) query.status = filter.status;
  const [rows, total] = await Promise.all([
    RecurrenceSeries.find(query).sort({ createdAt: -1, _id: 1 }).skip((filter.page - 1) * filter.limit).limit(filter.limit).lean(),
    RecurrenceSeries.countDocuments(query),
  ]);
  return { data: rows.map((row) => toSeriesView(row, null, config)), page: filter.page, limit: filter.limit, total };
}

const ACTION_UPDATES: Record<'pause' | 'resume' | 'skip' | 'cancel', UpdateDefinition<SeriesStatusView, []>> = {
  pause: pauseSeriesUpdate,
  resume: resumeSeriesUpdate,
  skip: skipNextOccurrenceUpdate,
  cancel: cancelSeriesUpdate,
};

/** Pause, resume, skip the next occurrence, or cancel: the workflow answers with its new state. */
export async function actOnSeries(ctx: CallRoutesContext, orgId: string, seriesId: string, action: keyof typeof ACTION_UPDATES) {
  const row = await findSeries(orgId, seriesId);
  if (!row) throw new ApiError(404, 'SERIES_NOT_FOUND', `Series ${seriesId} does not exist`);
  const live = await requireTemporal(() =>
    runWorkflowUpdate(ctx.temporal, seriesWorkflowId(seriesId), ACTION_UPDATES[action], [], {
      timeoutMs: ctx.timeouts.writeMs,
      refusals: { SERIES_FINISHED: 409, NOTHING_TO_SKIP: 409 },
      notRunning: new ApiError(409, 'SERIES_FINISHED', `Series ${seriesId} is ${row.status}`),
    }),
  );
  ctx.logger.info({ seriesId, action }, 'series changed');
  return toSeriesView({ ...row, status: live.status }, live, ctx.config);
}
