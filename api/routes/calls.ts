import { WorkflowNotFoundError } from '@temporalio/client';
import { Router } from 'express';
import { CallLog } from '../../db/models/call-log';
import { callLogIdParamsSchema, callStatsQuerySchema, cancelCallSchema, outboundCallSchema } from '../../domain/api-schemas/calls';
import { callWorkflowId, cancelSignal } from '../../workflows/messages';
import { ApiError } from '../api-error';
import type { CallRoutesContext } from '../call-context';
import { loadCallStats } from '../call-stats';
import { loadCallView } from '../call-view';
import { idempotencyKeyOf } from '../middleware/idempotency-key';
import { placeOutboundCall } from '../outbound-calls';
import { describeWorkflow, isTemporalUnavailable, requireTemporal, temporalUnavailable, withDeadline } from '../temporal-calls';

export function callsRouter(ctx: CallRoutesContext): Router {
  const router = Router();

  router.post('/calls/outbound', async (req, res) => {
    const request = outboundCallSchema.parse(req.body);
    const { idempotentReplay, ...call } = await placeOutboundCall(ctx, request, idempotencyKeyOf(req));
    res.status(202).json(idempotentReplay ? { ...call, idempotentReplay } : call);
  });

  // Declared before /calls/:callLogId, which would otherwise take "outbound" for an id.
  router.get('/calls/outbound/stats', async (req, res) => {
    const { from, to, agentId } = callStatsQuerySchema.parse(req.query);
    const filter = { agentId, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined };
    res.json(await loadCallStats(ctx, filter, ctx.timeouts.queryMs));
  });

  router.get('/calls/:callLogId', async (req, res) => {
    const { callLogId } = callLogIdParamsSchema.parse(req.params);
    res.json(await loadCallView(ctx.temporal, callLogId, ctx.timeouts.queryMs));
  });

  router.post('/calls/:callLogId/cancel', async (req, res) => {
    const { callLogId } = callLogIdParamsSchema.parse(req.params);
    const { reason } = cancelCallSchema.parse(req.body ?? {});
    const row = await CallLog.findById(callLogId, { callId: 1 }).lean();
    if (!row) throw new ApiError(404, 'CALL_NOT_FOUND', `Call ${callLogId} does not exist`);
    const workflowId = callWorkflowId(row.callId);
    try {
      await withDeadline(ctx.temporal, ctx.timeouts.writeMs, () =>
        ctx.temporal.workflow.getHandle(workflowId).signal(cancelSignal, reason === undefined ? {} : { reason }),
      );
    } catch (err) {
      if (isTemporalUnavailable(err)) throw temporalUnavailable();
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      // Signals reach running workflows only: tell a finished call from one that never started.
      const closed = await requireTemporal(() => describeWorkflow(ctx.temporal, workflowId, ctx.timeouts.writeMs));
      if (closed) throw new ApiError(409, 'CALL_ALREADY_FINISHED', `Call ${row.callId} has already finished`);
      throw new ApiError(404, 'CALL_NOT_FOUND', `Call ${row.callId} has no workflow`);
    }
    ctx.logger.info({ callId: row.callId, reason }, 'call cancellation requested');
    res.status(202).json({ callLogId: row.callId, cancelRequested: true });
  });

  return router;
}
