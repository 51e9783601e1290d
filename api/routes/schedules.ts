import { Router } from 'express';
import { allow, principalOf } from '../access/route-access';
import { cancelCallSchema } from '../../domain/api-schemas/calls';
import { listScheduledQuerySchema, rescheduleSchema, scheduleCallSchema, scheduleIdParamsSchema } from '../../domain/api-schemas/schedules';
import { requestCallCancel } from '../call-cancel';
import type { CallRoutesContext } from '../call-context';
import { idempotencyKeyOf } from '../middleware/idempotency-key';
import { placeOutboundCall } from '../outbound-calls';
import { getScheduledCall, listScheduledCalls, refuseUnstartedOccurrence, rescheduleCall, toScheduleView } from '../scheduled-calls';

/** Calls booked for later: create, list, read, move and cancel. Mounted before /calls/:callLogId. */
export function schedulesRouter(ctx: CallRoutesContext): Router {
  const router = Router();

  router.post('/calls/outbound/schedule', allow('schedules.write'), async (req, res) => {
    const { orgId } = principalOf(res);
    const request = scheduleCallSchema.parse(req.body);
    const { idempotentReplay, ...call } = await placeOutboundCall(ctx, orgId, request, idempotencyKeyOf(req), { scheduled: true });
    const schedule = toScheduleView(await getScheduledCall(orgId, call.callLogId));
    res.status(idempotentReplay ? 200 : 201).json({
      ...schedule,
      scheduleId: call.callLogId,
      callLogId: call.callLogId,
      windowMoved: call.windowMoved ?? false,
      ...(idempotentReplay && { idempotentReplay }),
    });
  });

  router.get('/calls/scheduled', allow('schedules.read'), async (req, res) => {
    res.json(await listScheduledCalls({ ...listScheduledQuerySchema.parse(req.query), orgId: principalOf(res).orgId }));
  });

  router.get('/calls/scheduled/:scheduleId', allow('schedules.read'), async (req, res) => {
    const { scheduleId } = scheduleIdParamsSchema.parse(req.params);
    res.json(toScheduleView(await getScheduledCall(principalOf(res).orgId, scheduleId)));
  });

  router.post('/calls/scheduled/:scheduleId/reschedule', allow('schedules.write'), async (req, res) => {
    const { scheduleId } = scheduleIdParamsSchema.parse(req.params);
    const { scheduledFor, timezone } = rescheduleSchema.parse(req.body);
    const result = await rescheduleCall(ctx, principalOf(res).orgId, scheduleId, scheduledFor, timezone);
    res.json({ scheduleId, ...result });
  });

  router.post('/calls/scheduled/:scheduleId/cancel', allow('schedules.write'), async (req, res) => {
    const { scheduleId } = scheduleIdParamsSchema.parse(req.params);
    const { reason } = cancelCallSchema.parse(req.body ?? {});
    const row = await getScheduledCall(principalOf(res).orgId, scheduleId);
    refuseUnstartedOccurrence(row);
    await requestCallCancel(ctx, row.callLogId, reason);
    res.status(202).json({ scheduleId, callLogId: row.callLogId, cancelRequested: true });
  });

  return router;
}
