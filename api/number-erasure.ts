import { WorkflowNotFoundError } from '@temporalio/client';
import { anonymizeNumberRecords } from '../db/personal-data';
import { CallLog } from '../db/models/call-log';
import { RecurrenceSeries } from '../db/models/recurrence-series';
import { ScheduledCall } from '../db/models/scheduled-call';
import { TERMINAL_CALL_STATUSES } from '../domain/call-status';
import type { ErasureCounts } from '../domain/erasure';
import { lastFourDigits } from '../domain/phone-mask';
import { callWorkflowId, cancelSignal } from '../workflows/messages';
import { ApiError } from './api-error';
import type { CallRoutesContext } from './call-context';
import { actOnSeries } from './series';
import { requireTemporal, withDeadline } from './temporal-calls';

export interface ErasureResult {
  /** Masked: the answer and the audit trail never repeat the number. */
  phoneNumber: string;
  erased: ErasureCounts;
  cancelled: { calls: number; series: number };
  /** Cancelled calls that had not closed when the records were anonymized (a live call saying goodbye). */
  callsStillClosing: number;
}

const CLOSE_POLL_MS = 250;
const ERASURE_REASON = 'number erased';

/**
 * Erases a number from an organization (docs/security.md): its series and unfinished calls are
 * cancelled first, so that nothing writes the number again, then every record is anonymized. A
 * campaign contact not yet called is anonymized too, and the campaign settles it as `erased` without
 * calling (activities/campaign-records). Idempotent: a repeat finds nothing and answers zeros.
 */
export async function eraseNumber(ctx: CallRoutesContext, orgId: string, e164: string, closeWaitMs: number): Promise<ErasureResult> {
  const mine = { orgId, phoneNumber: e164 };
  const series = await RecurrenceSeries.find({ ...mine, status: { $in: ['active', 'paused'] } }, { _id: 1 }).lean();
  let seriesCancelled = 0;
  for (const row of series) {
    try {
      await actOnSeries(ctx, orgId, row._id, 'cancel');
      seriesCancelled += 1;
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 409)) throw err;
    }
  }

  const [openCalls, pendingSchedules] = await Promise.all([
    CallLog.find({ ...mine, status: { $nin: TERMINAL_CALL_STATUSES } }, { callId: 1 }).lean(),
    ScheduledCall.find({ ...mine, status: { $in: ['pending', 'processing'] } }, { callLogId: 1 }).lean(),
  ]);
  const callIds = [...new Set([...openCalls.map((row) => row.callId), ...pendingSchedules.map((row) => row.callLogId)])];
  const signalled: string[] = [];
  for (const callId of callIds) {
    if (await cancelCall(ctx, callId)) signalled.push(callId);
  }
  const stillClosing = await waitForClose(ctx, signalled, Date.now() + closeWaitMs);

  const erased = await anonymizeNumberRecords(orgId, e164);
  const result = { phoneNumber: `***${lastFourDigits(e164)}`, erased, cancelled: { calls: signalled.length, series: seriesCancelled }, callsStillClosing: stillClosing };
  ctx.logger.info({ orgId, ...result }, 'phone number erased');
  return result;
}

/** False when the call's workflow has already closed (nothing left to cancel). */
async function cancelCall(ctx: CallRoutesContext, callId: string): Promise<boolean> {
  try {
    await requireTemporal(() =>
      withDeadline(ctx.temporal, ctx.timeouts.writeMs, () => ctx.temporal.workflow.getHandle(callWorkflowId(callId)).signal(cancelSignal, { reason: ERASURE_REASON })),
    );
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** How many of the calls are still running at the deadline. */
async function waitForClose(ctx: CallRoutesContext, callIds: string[], deadline: number): Promise<number> {
  let running = callIds;
  while (running.length > 0) {
    const states = await Promise.all(
      running.map(async (callId) => {
        const description = await requireTemporal(() =>
          withDeadline(ctx.temporal, ctx.timeouts.queryMs, () => ctx.temporal.workflow.getHandle(callWorkflowId(callId)).describe()),
        ).catch((err: unknown) => {
          if (err instanceof WorkflowNotFoundError) return undefined;
          throw err;
        });
        return description?.status.name === 'RUNNING' ? callId : null;
      }),
    );
    running = states.filter((callId): callId is string => callId !== null);
    if (running.length === 0 || Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, CLOSE_POLL_MS));
  }
  return running.length;
}
