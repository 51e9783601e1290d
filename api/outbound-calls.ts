import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { Agent } from '../db/models/agent';
import { CallLog } from '../db/models/call-log';
import { ScheduledCall } from '../db/models/scheduled-call';
import { withWriteRetry } from '../db/transient-write-error';
import type { OutboundCallRequest } from '../domain/api-schemas/calls';
import type { BusinessHoursRequest } from '../domain/api-schemas/schedules';
import type { CallWindowSettings } from '../domain/call-window-settings';
import { callingPolicyFor, type CallingPolicyConfig } from '../domain/calling-policy';
import { isTerminalStatus, type CallStatus } from '../domain/call-status';
import { CALL_STATUS_KEY } from '../domain/call-search-attributes';
import { recordingRequested } from '../domain/call-recording';
import { callWorkflowInput, initialCallSearchAttributes, type InitialCallStatus } from '../domain/call-start';
import type { Config } from '../domain/config';
import { lastFourDigits } from '../domain/phone-mask';
import { describePhoneNumberProblem, normalizePhoneNumber } from '../domain/phone-number';
import type { Priority } from '../domain/priority';
import type { Logger } from '../lib/logger';
import type { OrgCallGuard } from '../lib/org-call-limits';
import { callWorkflow } from '../workflows/call/call-workflow';
import { callWorkflowId } from '../workflows/messages';
import { ApiError } from './api-error';
import { acceptCallbackUrl, type CallbackUrlConfig } from './callback-url';
import { refuseListedNumber } from './do-not-call-refusal';
import { reserveOrgCallsOrRefuse } from './org-limits';
import { calleeLegalTimezones, callWindowSettings, placeFirstDial, resolveDateTime, type WindowConfig } from './call-window-request';
import { canonicalJson, idempotentCallId, randomCallId, requestHash } from './identifiers';
import type { LineGateSnapshot } from './line-gate-snapshot';
import {
  describeWorkflow,
  isTemporalUnavailable,
  requireTemporal,
  temporalUnavailable,
  withDeadline,
  type TemporalTimeouts,
} from './temporal-calls';

export interface OutboundCallContext {
  temporal: Client;
  config: Pick<
    Config,
    | 'DEFAULT_COUNTRY'
    | 'EXOTEL_ACCOUNT_SID'
    | 'MAX_WAITING_CALLS'
    | 'TEMPORAL_TASK_QUEUE'
    | 'TEMPORAL_EXOTEL_TASK_QUEUE'
    | 'DND_CHECK_ENABLED'
    | 'PREWARM_LEAD_SEC'
    | 'ORG_DAILY_CALL_CAP'
    | 'ORG_MAX_OPEN_CALLS'
  > &
    WindowConfig &
    CallingPolicyConfig &
    CallbackUrlConfig;
  logger: Logger;
  timeouts: TemporalTimeouts;
  lineGate: LineGateSnapshot;
  orgCalls: OrgCallGuard;
}

export interface AcceptedCall {
  callLogId: string;
  workflowId: string;
  status: CallStatus;
  statusUrl: string;
  idempotentReplay: boolean;
  /** When the first dial may happen: the requested time moved into the calling windows (absent = now). */
  effectiveAt?: string;
  windowMoved?: boolean;
}

/** A call request as the API takes it: the immediate route's body, or the schedule route's with its windows. */
export type CallRequest = Omit<OutboundCallRequest, 'scheduledFor'> & {
  scheduledFor?: string;
  timezone?: string;
  respectBusinessHours?: boolean;
  businessHours?: BusinessHoursRequest;
};

/** Set for POST /calls/outbound/schedule: the call also gets a ScheduledCall row, which its workflow keeps in step. */
export interface ScheduleOptions {
  scheduled: true;
}

/** The request as the call will run it: what two requests must share to be "the same" for a key. */
interface NormalizedCall {
  phoneNumber: string;
  agentId: string;
  priority: Priority;
  metadata: Record<string, unknown>;
  retryPolicy?: OutboundCallRequest['retryPolicy'];
  scheduledFor?: string;
  ringTimeoutSec?: number;
  /** The request's own choice; absent: the agent's. */
  record?: boolean;
  ttsProvider?: OutboundCallRequest['ttsProvider'];
  callingWindow: CallWindowSettings;
  callbackUrl?: string;
}

/**
 * Accepts one outbound call: the attempt-1 CallLog row is written first (so the call can be read the
 * moment it is accepted), then its workflow is started. With an Idempotency-Key the call id derives
 * from the key and the workflow id policies turn every repeat, concurrent or late, into the same call.
 */
export async function placeOutboundCall(
  ctx: OutboundCallContext,
  orgId: string,
  request: CallRequest,
  idempotencyKey: string | undefined,
  schedule?: ScheduleOptions,
): Promise<AcceptedCall> {
  const phone = normalizePhoneNumber(request.phoneNumber, ctx.config.DEFAULT_COUNTRY);
  if (!phone.ok) {
    throw new ApiError(400, 'INVALID_PHONE_NUMBER', describePhoneNumberProblem(phone.reason), { reason: phone.reason });
  }
  const policy = callingPolicyFor(ctx.config, orgId);
  const callingWindow = {
    ...callWindowSettings(ctx.config, {
      timezone: request.timezone,
      respectBusinessHours: request.respectBusinessHours,
      businessHours: request.businessHours,
      avoidPeakHours: request.retryPolicy?.avoidPeakHours,
    }),
    legalTimezones: calleeLegalTimezones(policy, phone.e164, request.timezone ?? null),
  };
  const requestedAt = request.scheduledFor === undefined ? undefined : resolveDateTime(request.scheduledFor, callingWindow.timezone, 'scheduledFor');
  const call: NormalizedCall = {
    phoneNumber: phone.e164,
    agentId: request.agentId,
    priority: request.priority,
    metadata: request.metadata ?? {},
    retryPolicy: request.retryPolicy,
    scheduledFor: requestedAt === undefined ? undefined : new Date(requestedAt).toISOString(),
    ringTimeoutSec: request.ringTimeoutSec,
    ...(request.record !== undefined && { record: request.record }),
    ...(request.ttsProvider !== undefined && { ttsProvider: request.ttsProvider }),
    callingWindow,
    callbackUrl: request.callbackUrl,
  };
  const hash = requestHash(call);
  const callId = idempotencyKey === undefined ? randomCallId() : idempotentCallId(orgId, idempotencyKey);
  const workflowId = callWorkflowId(callId);

  if (idempotencyKey !== undefined) {
    const existing = await requireTemporal(() => describeWorkflow(ctx.temporal, workflowId, ctx.timeouts.writeMs));
    if (existing) return replay(callId, existing, hash);
  }

  await refuseListedNumber(orgId, call.phoneNumber);
  if (call.scheduledFor && Date.parse(call.scheduledFor) <= Date.now()) {
    throw new ApiError(400, 'SCHEDULED_TIME_IN_PAST', 'scheduledFor must be in the future', { scheduledFor: request.scheduledFor });
  }
  const placed = placeFirstDial(callingWindow, requestedAt ?? Date.now());
  const agent = await Agent.findOne({ _id: call.agentId, orgId }, { active: 1, maxCallDurationSec: 1, record: 1 }).lean();
  if (!agent) throw new ApiError(404, 'AGENT_NOT_FOUND', `Agent ${call.agentId} does not exist`);
  if (!agent.active) throw new ApiError(422, 'AGENT_INACTIVE', `Agent ${call.agentId} is inactive`);
  const waitsFirst = call.scheduledFor !== undefined || placed.moved;
  if (!waitsFirst) await ensureRoomInLineQueue(ctx);
  if (call.callbackUrl !== undefined) await acceptCallbackUrl(ctx.config, orgId, call.callbackUrl);
  await reserveOrgCallsOrRefuse(ctx.orgCalls, orgId, 1);

  const status: InitialCallStatus = waitsFirst ? 'scheduled' : 'waiting_for_line';
  const prior = await insertFirstAttemptRow(callId, {
    orgId,
    callId,
    attempt: 1,
    direction: 'outbound',
    status,
    phoneNumber: call.phoneNumber,
    phoneLast4: lastFourDigits(call.phoneNumber),
    agentId: call.agentId,
    priority: call.priority,
    workflowId,
    metadata: call.metadata,
    ...(call.ttsProvider && { ttsProvider: call.ttsProvider }),
    timings: { queuedAt: new Date() },
  });
  if (prior) {
    // Only a keyed request meets an existing row: a concurrent twin, or a try whose start failed.
    const sameRequest =
      prior.phoneNumber === call.phoneNumber &&
      prior.agentId === call.agentId &&
      prior.priority === call.priority &&
      canonicalJson(prior.metadata ?? {}) === canonicalJson(call.metadata);
    if (!sameRequest) throw keyReused();
    if (isTerminalStatus(prior.status)) {
      return { ...accepted(callId, prior.status), idempotentReplay: true };
    }
  }
  if (schedule) await insertScheduleRow(orgId, callId, call, placed.at, request.respectBusinessHours ?? false);

  const input = callWorkflowInput(
    {
      orgId,
      priority: call.priority,
      exotelAccount: ctx.config.EXOTEL_ACCOUNT_SID,
      exotelTaskQueue: ctx.config.TEMPORAL_EXOTEL_TASK_QUEUE,
      retryPolicy: call.retryPolicy,
      ringTimeoutSec: call.ringTimeoutSec,
      callingWindow,
      dndCheck: ctx.config.DND_CHECK_ENABLED,
      prewarmLeadMs: schedule ? ctx.config.PREWARM_LEAD_SEC * 1000 : undefined,
      firstAttemptRow: status,
      callbackUrl: call.callbackUrl,
    },
    {
      callId,
      phoneNumber: call.phoneNumber,
      agentId: call.agentId,
      // The organization's limit may have been lowered since the agent was saved.
      maxCallDurationSec: Math.min(agent.maxCallDurationSec, policy.maxCallDurationSec),
      metadata: call.metadata,
      scheduledFor: call.scheduledFor,
      scheduledCallId: schedule ? callId : undefined,
      record: recordingRequested(call.record, agent.record) || undefined,
      ttsProvider: call.ttsProvider,
    },
  );
  try {
    await withDeadline(ctx.temporal, ctx.timeouts.writeMs, () =>
      ctx.temporal.workflow.start(callWorkflow, {
        workflowId,
        taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        memo: { requestHash: hash },
        typedSearchAttributes: initialCallSearchAttributes(input, status),
      }),
    );
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      // The key's call started and finished between our look-up and our start.
      const finished = await requireTemporal(() => describeWorkflow(ctx.temporal, workflowId, ctx.timeouts.writeMs));
      if (finished) return replay(callId, finished, hash);
    }
    // A start that timed out may still have happened, so its row stays for the retry to find.
    if (isTemporalUnavailable(err)) throw temporalUnavailable();
    // Refused outright: no workflow will ever own the rows this request wrote.
    if (prior === null) await Promise.all([CallLog.deleteOne({ _id: callId }), ScheduledCall.deleteOne({ _id: callId })]);
    throw err;
  }
  if (idempotencyKey !== undefined) {
    // USE_EXISTING hands back a concurrent twin's workflow without saying so: its memo tells whose it is.
    const started = await requireTemporal(() => describeWorkflow(ctx.temporal, workflowId, ctx.timeouts.writeMs));
    if (started && started.memo?.requestHash !== hash) throw keyReused();
  }
  ctx.logger.info({ callId, workflowId, agentId: call.agentId, phoneNumber: call.phoneNumber, status }, 'outbound call accepted');
  const timing = waitsFirst ? { effectiveAt: new Date(placed.at).toISOString(), windowMoved: placed.moved } : {};
  return { ...accepted(callId, status), idempotentReplay: prior !== null, ...timing };
}

/** Written before the workflow starts, so that the workflow's status updates always find their row. */
async function insertScheduleRow(orgId: string, callId: string, call: NormalizedCall, effectiveAt: number, respectBusinessHours: boolean): Promise<void> {
  await withWriteRetry(() =>
    ScheduledCall.updateOne(
      { _id: callId },
      {
        $setOnInsert: {
          orgId,
          callLogId: callId,
          workflowId: callWorkflowId(callId),
          phoneNumber: call.phoneNumber,
          phoneLast4: lastFourDigits(call.phoneNumber),
          agentId: call.agentId,
          scheduledFor: new Date(call.scheduledFor ?? effectiveAt),
          effectiveAt: new Date(effectiveAt),
          timezone: call.callingWindow.timezone,
          respectBusinessHours,
          businessHours: call.callingWindow.business ?? null,
          priority: call.priority,
          retryPolicy: call.retryPolicy ?? null,
          status: 'pending',
          metadata: call.metadata,
        },
      },
      { upsert: true },
    ),
  );
}

/**
 * Inserts the row unless it exists and returns what was there before (null when this call inserted it).
 * Two concurrent upserts of one id can both try the insert; the loser's duplicate-key error means the
 * row now exists, so it simply reads it on a second pass.
 */
async function insertFirstAttemptRow(callId: string, row: Record<string, unknown>) {
  for (let pass = 1; ; pass += 1) {
    try {
      return await withWriteRetry(() =>
        CallLog.findOneAndUpdate({ _id: callId }, { $setOnInsert: row }, { upsert: true, returnDocument: 'before' }).lean(),
      );
    } catch (err) {
      if ((err as { code?: number }).code !== 11000 || pass > 1) throw err;
    }
  }
}

function accepted(callId: string, status: CallStatus): Omit<AcceptedCall, 'idempotentReplay'> {
  return { callLogId: callId, workflowId: callWorkflowId(callId), status, statusUrl: `/api/v1/calls/${callId}` };
}

function keyReused(): ApiError {
  return new ApiError(409, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request');
}

async function replay(callId: string, existing: WorkflowExecutionDescription, hash: string): Promise<AcceptedCall> {
  if (existing.memo?.requestHash !== hash) throw keyReused();
  const latest = await CallLog.findOne({ callId }, { status: 1 }).sort({ attempt: -1 }).lean();
  const status = (latest?.status ?? existing.typedSearchAttributes.get(CALL_STATUS_KEY) ?? 'waiting_for_line') as CallStatus;
  return { ...accepted(callId, status), idempotentReplay: true };
}

/**
 * Refuses new work once the account's queue for lines is full, so a burst of requests is told to back
 * off instead of growing the queue without bound. A gate that does not exist yet has no queue; a gate
 * that does not answer in time does not block calls (they queue in the gate and wait their turn).
 */
async function ensureRoomInLineQueue(ctx: OutboundCallContext): Promise<void> {
  const gate = await ctx.lineGate.get();
  if (gate.state === 'unavailable') {
    ctx.logger.warn({ err: gate.error }, 'line gate did not answer; accepting the call without checking the queue');
    return;
  }
  const waitingTotal = gate.state === 'running' ? gate.status.waitingTotal : 0;
  if (waitingTotal >= ctx.config.MAX_WAITING_CALLS) {
    throw new ApiError(429, 'CONCURRENT_LIMIT_REACHED', 'Too many calls are waiting for a line; retry later', {
      waitingTotal,
      maxWaitingCalls: ctx.config.MAX_WAITING_CALLS,
    });
  }
}
