import { Router } from 'express';
import { scopeOf } from '../../domain/access-control';
import { allow, principalOf } from '../access/route-access';
import { CallLog } from '../../db/models/call-log';
import { callListQuerySchema, callLogIdParamsSchema, callStatsQuerySchema, cancelCallSchema, outboundCallSchema } from '../../domain/api-schemas/calls';
import { ApiError } from '../api-error';
import { requestCallCancel } from '../call-cancel';
import type { CallRoutesContext } from '../call-context';
import { listCalls } from '../call-list';
import { loadCallStats } from '../call-stats';
import { loadCallRecording } from '../call-recording';
import { loadCallView } from '../call-view';
import { idempotencyKeyOf } from '../middleware/idempotency-key';
import { placeOutboundCall } from '../outbound-calls';

export function callsRouter(ctx: CallRoutesContext): Router {
  const router = Router();

  router.post('/calls/outbound', allow('calls.place'), async (req, res) => {
    const request = outboundCallSchema.parse(req.body);
    const { idempotentReplay, ...call } = await placeOutboundCall(ctx, principalOf(res).orgId, request, idempotencyKeyOf(req));
    res.status(202).json(idempotentReplay ? { ...call, idempotentReplay } : call);
  });

  // Declared before /calls/:callLogId, which would otherwise take "outbound" for an id.
  router.get('/calls/outbound/stats', allow('analytics.read'), async (req, res) => {
    const { from, to, agentId } = callStatsQuerySchema(ctx.config.ACCOUNT_TIMEZONE).parse(req.query);
    const filter = { orgId: principalOf(res).orgId, agentId, from, to };
    res.json(await loadCallStats(ctx, filter, ctx.timeouts.queryMs));
  });

  router.get('/calls', allow('calls.read'), async (req, res) => {
    const query = callListQuerySchema.parse(req.query);
    res.json(await listCalls(scopeOf(principalOf(res)), query, ctx.config));
  });

  router.get('/calls/:callLogId', allow('calls.read'), async (req, res) => {
    const { callLogId } = callLogIdParamsSchema.parse(req.params);
    res.json(await loadCallView(ctx.temporal, scopeOf(principalOf(res)), callLogId, ctx.timeouts.queryMs));
  });

  router.get('/calls/:callLogId/recording', allow('calls.read'), async (req, res) => {
    const { callLogId } = callLogIdParamsSchema.parse(req.params);
    res.json(await loadCallRecording(scopeOf(principalOf(res)), callLogId));
  });

  router.post('/calls/:callLogId/cancel', allow('calls.cancel'), async (req, res) => {
    const { callLogId } = callLogIdParamsSchema.parse(req.params);
    const { reason } = cancelCallSchema.parse(req.body ?? {});
    const row = await CallLog.findOne({ _id: callLogId, ...scopeOf(principalOf(res)) }, { callId: 1 }).lean();
    if (!row) throw new ApiError(404, 'CALL_NOT_FOUND', `Call ${callLogId} does not exist`);
    await requestCallCancel(ctx, row.callId, reason);
    res.status(202).json({ callLogId: row.callId, cancelRequested: true });
  });

  return router;
}
