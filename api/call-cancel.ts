import { WorkflowNotFoundError } from '@temporalio/client';
import { callWorkflowId, cancelSignal } from '../workflows/messages';
import { ApiError } from './api-error';
import type { CallRoutesContext } from './call-context';
import { describeWorkflow, isTemporalUnavailable, requireTemporal, temporalUnavailable, withDeadline } from './temporal-calls';

/** Asks a call's workflow to cancel; the workflow decides what that means in its current phase. */
export async function requestCallCancel(ctx: CallRoutesContext, callId: string, reason: string | undefined): Promise<void> {
  const workflowId = callWorkflowId(callId);
  try {
    await withDeadline(ctx.temporal, ctx.timeouts.writeMs, () =>
      ctx.temporal.workflow.getHandle(workflowId).signal(cancelSignal, reason === undefined ? {} : { reason }),
    );
  } catch (err) {
    if (isTemporalUnavailable(err)) throw temporalUnavailable();
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    // Signals reach running workflows only: tell a finished call from one that never started.
    const closed = await requireTemporal(() => describeWorkflow(ctx.temporal, workflowId, ctx.timeouts.writeMs));
    if (closed) throw new ApiError(409, 'CALL_ALREADY_FINISHED', `Call ${callId} has already finished`);
    throw new ApiError(404, 'CALL_NOT_FOUND', `Call ${callId} has no workflow`);
  }
  ctx.logger.info({ callId, reason }, 'call cancellation requested');
}
