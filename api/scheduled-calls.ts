import { ScheduledCall } from '../db/models/scheduled-call';
import { RESCHEDULE_REFUSALS, type RescheduleResult } from '../domain/call-workflow-types';
import { callWorkflowId, rescheduleUpdate } from '../workflows/messages';
import { ApiError } from './api-error';
import type { CallRoutesContext } from './call-context';
import { requireTimeZone, resolveDateTime } from './call-window-request';
import { runWorkflowUpdate } from './workflow-updates';

export interface ScheduledCallFilter {
  orgId: string;
  agentId?: string;
  status?: string;
  seriesId?: string;
  from?: string;
  to?: string;
  page: number;
  limit: number;
}

type StoredSchedule = Awaited<ReturnType<typeof findSchedule>>;

async function findSchedule(orgId: string, scheduleId: string) {
  return ScheduledCall.findOne({ _id: scheduleId, orgId }).lean();
}

/** What a client sees of a scheduled call; the number stays whole, as in the call view. */
export function toScheduleView(row: NonNullable<StoredSchedule>) {
  return {
    scheduleId: row._id,
    callLogId: row.callLogId,
    workflowId: row.workflowId,
    status: row.status,
    phoneNumber: row.phoneNumber,
    agentId: row.agentId,
    scheduledFor: row.scheduledFor,
    effectiveAt: row.effectiveAt,
    timezone: row.timezone,
    respectBusinessHours: row.respectBusinessHours ?? false,
    businessHours: row.businessHours ?? null,
    priority: row.priority,
    seriesId: row.seriesId ?? null,
    occurrence: row.occurrence ?? null,
    finalStatus: row.finalStatus ?? null,
    finalFailureReason: row.finalFailureReason ?? null,
    prewarmedAt: row.prewarmedAt ?? null,
    metadata: row.metadata ?? {},
    statusUrl: `/api/v1/calls/${row.callLogId}`,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function listScheduledCalls(filter: ScheduledCallFilter) {
  const query: Record<string, unknown> = { orgId: filter.orgId };
  if (filter.agentId) query.agentId = filter.agentId;
  if (filter.status) query.status = filter.status;
  if (filter.seriesId) query.seriesId = filter.seriesId;
  if (filter.from || filter.to) {
    query.effectiveAt = { ...(filter.from && { $gte: new Date(filter.from) }), ...(filter.to && { $lte: new Date(filter.to) }) };
  }
  const [rows, total] = await Promise.all([
    ScheduledCall.find(query).sort({ effectiveAt: 1, _id: 1 }).skip((filter.page - 1) * filter.limit).limit(filter.limit).lean(),
    ScheduledCall.countDocuments(query),
  ]);
  return { data: rows.map(toScheduleView), page: filter.page, limit: filter.limit, total };
}

export async function getScheduledCall(orgId: string, scheduleId: string) {
  const row = await findSchedule(orgId, scheduleId);
  if (!row) throw new ApiError(404, 'SCHEDULE_NOT_FOUND', `Scheduled call ${scheduleId} does not exist`);
  return row;
}

const REFUSAL_STATUS: Record<(typeof RESCHEDULE_REFUSALS)[number], number> = {
  CALL_NOT_RESCHEDULABLE: 409,
  RESCHEDULE_IN_PAST: 400,
  INVALID_RESCHEDULE_TIME: 400,
  NO_CALLABLE_TIME: 400,
};

/**
 * Moves a pending call: the workflow decides (it alone knows whether dialing has begun) and answers
 * with the time its calling windows allow. The row is written here too, so a read right after the
 * answer already shows the new time.
 */
export async function rescheduleCall(
  ctx: CallRoutesContext,
  orgId: string,
  scheduleId: string,
  scheduledFor: string,
  timezone?: string,
): Promise<RescheduleResult> {
  const row = await getScheduledCall(orgId, scheduleId);
  refuseUnstartedOccurrence(row);
  if (row.status !== 'pending') {
    throw new ApiError(409, 'CALL_NOT_RESCHEDULABLE', `Scheduled call ${scheduleId} is ${row.status}; only pending calls can be rescheduled`);
  }
  const zone = requireTimeZone(timezone ?? row.timezone, 'timezone');
  const at = resolveDateTime(scheduledFor, zone, 'scheduledFor');
  if (at <= Date.now()) throw new ApiError(400, 'RESCHEDULE_IN_PAST', 'scheduledFor must be in the future');
  const result = await runWorkflowUpdate(ctx.temporal, callWorkflowId(row.callLogId), rescheduleUpdate, [{ at: new Date(at).toISOString() }], {
    timeoutMs: ctx.timeouts.writeMs,
    refusals: REFUSAL_STATUS,
    notRunning: new ApiError(409, 'CALL_NOT_RESCHEDULABLE', `Scheduled call ${scheduleId} has already finished`),
  });
  await ScheduledCall.updateOne({ _id: scheduleId, status: 'pending' }, { $set: { effectiveAt: new Date(result.effectiveAt), scheduledFor: new Date(at) } });
  ctx.logger.info({ scheduleId, effectiveAt: result.effectiveAt }, 'scheduled call moved');
  return result;
}

/** A series' next occurrence has no call workflow until it is due: the series itself skips or moves it. */
export function refuseUnstartedOccurrence(row: NonNullable<StoredSchedule>): void {
  if (row.seriesId && row.status === 'pending') {
    throw new ApiError(409, 'SERIES_OCCURRENCE_NOT_STARTED', `Occurrence ${row.occurrence} of series ${row.seriesId} has not started; skip it through POST /api/v1/series/${row.seriesId}/skip`);
  }
}
