import { Router } from 'express';
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

  router.post('/calls/outbound/schedule', async (req, res) => {
    const request = scheduleCallSchema.parse(req.body);
    const { idempotentReplay, ...call } = await placeOutboundCall(ctx, request, idempotencyKeyOf(req), { scheduled: true });
    const schedule = toScheduleView(await getScheduledCall(call.callLogId));
    res.status(idempotentReplay ? 200 : 201).json({
      ...schedule,
      scheduleId: call.callLogId,
      callLogId: call.callLogId,
      windowMoved: call.windowMoved ?? false,
      ...(idempotentReplay && { idempotentReplay }),
    });
  });

  router.get('/calls/scheduled', async (req, res) => {
    res.json(await listScheduledCalls(listScheduledQuerySchema.parse(req.query)));
  });

  router.get('/calls/scheduled/:scheduleId', async (req, res) => {
    const { scheduleId } = scheduleIdParamsSchema.parse(req.params);
    res.json(toScheduleView(await getScheduledCall(scheduleId)));
  });

  router.post('/calls/scheduled/:scheduleId/reschedule', async (req, res) => {
    const { scheduleId } = scheduleIdParamsSchema.parse(req.params);
    const { scheduledFor, timezone } = rescheduleSchema.parse(req.body);
    const result = await rescheduleCall(ctx, scheduleId, scheduledFor, timezone);
    res.json({ scheduleId, ...result });
  });

  router.post('/calls/scheduled/:scheduleId/cancel', async (req, res) => {
    const { scheduleId } = scheduleIdParamsSchema.parse(req.params);
    const { reason } = cancelCallSchema.parse(req.body ?? {});
    const row = await getScheduledCall(scheduleId);
    refuseUnstartedOccurrence(row);
    await requestCallCancel(ctx, row.callLogId, reason);
    res.status(202).json({ scheduleId, callLogId: row.callLogId, cancelRequested: true });
  });

  return router;
}
