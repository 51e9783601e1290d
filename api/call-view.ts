import type { Client } from '@temporalio/client';
import { CallLog, type CallLogRecord } from '../db/models/call-log';
import type { CallWorkflowStatus } from '../domain/call-workflow-types';
import { ApiError } from './api-error';
import { lookUpLiveCall } from './temporal-calls';

/** FerretDB drops nulls from upserts (docs/database.md), so any nullable field may be absent. */
type StoredAttempt = CallLogRecord & { _id: string; createdAt?: Date; updatedAt?: Date };

/**
 * A call as its client sees it: the database's records of every attempt, and, while the workflow runs,
 * the workflow's own live view, which is ahead of the database. Phone numbers are returned in full:
 * the client supplied them; only logs mask them.
 */
export async function loadCallView(temporal: Client, scope: Record<string, unknown>, callLogId: string, queryTimeoutMs: number) {
  // Another organization's call (or, for an agent key, another agent's) is as absent as an unknown one.
  const addressed = await CallLog.findOne({ ...scope, _id: callLogId }, { callId: 1 }).lean();
  if (!addressed) throw new ApiError(404, 'CALL_NOT_FOUND', `Call ${callLogId} does not exist`);
  const [rows, live] = await Promise.all([
    CallLog.find({ ...scope, callId: addressed.callId }).sort({ attempt: 1 }).lean<StoredAttempt[]>(),
    lookUpLiveCall(temporal, addressed.callId, queryTimeoutMs),
  ]);
  const first = rows.find((row) => row.attempt === 1) ?? rows[0];
  const latest = rows[rows.length - 1];
  if (!first || !latest) throw new ApiError(404, 'CALL_NOT_FOUND', `Call ${callLogId} does not exist`);
  const liveStatus: CallWorkflowStatus | null = live.state === 'running' ? live.status : null;
  return {
    callLogId: first._id,
    callId: first.callId,
    workflowId: first.workflowId,
    status: liveStatus?.phase ?? first.finalStatus ?? latest.status,
    failureReason: liveStatus ? liveStatus.finalReason : (first.finalFailureReason ?? latest.failureReason ?? null),
    direction: first.direction,
    phoneNumber: first.phoneNumber,
    agentId: first.agentId,
    priority: first.priority,
    campaignId: first.campaignId ?? null,
    seriesId: first.seriesId ?? null,
    scheduledCallId: first.scheduledCallId ?? null,
    timings: first.timings ?? {},
    metadata: first.metadata ?? {},
    createdAt: first.createdAt,
    updatedAt: latest.updatedAt,
    attempts: rows.map((row) => ({
      attempt: row.attempt,
      callLogId: row._id,
      status: row.status,
      outboundStatus: row.outboundStatus ?? null,
      failureReason: row.failureReason ?? null,
      exotelCallSid: row.exotelCallSid ?? null,
      timings: row.timings ?? {},
      recordingUrl: row.recordingUrl ?? null,
    })),
    transcript: latest.transcript ?? [],
    live: liveStatus,
  };
}
