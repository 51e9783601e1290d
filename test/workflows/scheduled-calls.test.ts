import { DateTime } from 'luxon';
import { CallLog } from '../../db/models/call-log';
import { ScheduledCall } from '../../db/models/scheduled-call';
import type { CallWorkflowResult } from '../../domain/call-workflow-types';
import { callWorkflowId } from '../../workflows/messages';
import { saveRecordedHistories, type RecordedWorkflow } from '../helpers/recorded-histories';
import { startCallStack, type CallStack } from '../helpers/call-stack';
import { dialTimes, numberFor, zoneAwayFromMidnight } from '../helpers/schedule-helpers';

/**
 * Scheduled calls through the API on the real dev server: the workflow sleeps until the call's time
 * (moved into its windows), then dials once. Exotel's dial times come from the simulator's own log.
 */
let stack: CallStack;

beforeAll(async () => {
  stack = await startCallStack({ label: 'scheduled' });
});

/** `RINGLINE_RECORD_HISTORIES=1` saves these workflows' histories as replay fixtures (test/workflows/replay.test.ts). */
const recorded: RecordedWorkflow[] = [];

afterAll(async () => {
  if (stack) await saveRecordedHistories(stack.env.client, recorded);
  await stack?.stop();
});

const api = () => stack.api();
const result = (callId: string): Promise<CallWorkflowResult> => stack.env.client.workflow.getHandle(callWorkflowId(callId)).result();
const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

async function schedule(body: Record<string, unknown>) {
  return api().post('/api/v1/calls/outbound/schedule').send({ agentId: stack.agentId, ringTimeoutSec: 5, ...body });
}

describe('a scheduled call', () => {
  it('sleeps until its time, dials within a second of it, and keeps its schedule row in step', async () => {
    const scheduledFor = inSeconds(5);
    const res = await schedule({ phoneNumber: numberFor('000'), scheduledFor, metadata: { visit: 'V-9' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'pending', windowMoved: false, timezone: 'Asia/Kolkata' });
    expect(res.body.scheduleId).toBe(res.body.callLogId);
    expect(new Date(res.body.effectiveAt).toISOString()).toBe(scheduledFor);

    const listed = await api().get(`/api/v1/calls/scheduled?agentId=${stack.agentId}&status=pending`);
    expect(listed.body.data.map((row: { scheduleId: string }) => row.scheduleId)).toContain(res.body.scheduleId);
    expect(await CallLog.findById(res.body.callLogId).lean()).toMatchObject({ status: 'scheduled' });

    expect(await result(res.body.callLogId)).toMatchObject({ status: 'completed', attempts: 1 });
    const dials = await dialTimes(stack.sim, res.body.callLogId);
    expect(dials).toHaveLength(1);
    const late = dials[0] - Date.parse(scheduledFor);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(1_000);

    const row = await ScheduledCall.findById(res.body.scheduleId).lean();
    expect(row).toMatchObject({ status: 'completed', finalStatus: 'completed' });
    const done = await api().get(`/api/v1/calls/scheduled/${res.body.scheduleId}`);
    expect(done.body).toMatchObject({ status: 'completed', finalStatus: 'completed' });
  });

  it('can be moved later and then earlier, and dials at the last time it was given', async () => {
    const res = await schedule({ phoneNumber: numberFor('000'), scheduledFor: inSeconds(20) });
    expect(res.status).toBe(201);
    const later = inSeconds(60);
    const moved = await api().post(`/api/v1/calls/scheduled/${res.body.scheduleId}/reschedule`).send({ scheduledFor: later });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ effectiveAt: later, moved: false });
    expect((await ScheduledCall.findById(res.body.scheduleId).lean())?.effectiveAt?.toISOString()).toBe(later);

    const earlier = inSeconds(3);
    const back = await api().post(`/api/v1/calls/scheduled/${res.body.scheduleId}/reschedule`).send({ scheduledFor: earlier });
    expect(back.body).toMatchObject({ effectiveAt: earlier });
    expect(await result(res.body.callLogId)).toMatchObject({ status: 'completed' });
    recorded.push({ name: 'scheduled-call-rescheduled', workflowId: callWorkflowId(res.body.callLogId) });
    const dials = await dialTimes(stack.sim, res.body.callLogId);
    expect(dials).toHaveLength(1);
    expect(dials[0] - Date.parse(earlier)).toBeGreaterThanOrEqual(0);
    expect(dials[0] - Date.parse(earlier)).toBeLessThan(1_000);
  });

  it('refuses to be rescheduled once it is dialing', async () => {
    // 002 rings until the ring timeout: the call stays in `ringing` long enough to be asked.
    const res = await schedule({ phoneNumber: numberFor('002'), scheduledFor: inSeconds(1), retryPolicy: { rules: { no_answer: { maxRetries: 0 } } } });
    const deadline = Date.now() + 15_000;
    while ((await ScheduledCall.findById(res.body.scheduleId).lean())?.status !== 'processing') {
      if (Date.now() > deadline) throw new Error('the call never started');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const refused = await api().post(`/api/v1/calls/scheduled/${res.body.scheduleId}/reschedule`).send({ scheduledFor: inSeconds(60) });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CALL_NOT_RESCHEDULABLE');
    expect(await result(res.body.callLogId)).toMatchObject({ status: 'failed', failureReason: 'no_answer' });
    expect(await ScheduledCall.findById(res.body.scheduleId).lean()).toMatchObject({ status: 'failed', finalFailureReason: 'no_answer' });
  });

  it('cancelled while waiting never dials, and every record says cancelled', async () => {
    const res = await schedule({ phoneNumber: numberFor('000'), scheduledFor: inSeconds(3) });
    const cancelled = await api().post(`/api/v1/calls/scheduled/${res.body.scheduleId}/cancel`).send({ reason: 'customer asked' });
    expect(cancelled.status).toBe(202);
    expect(await result(res.body.callLogId)).toMatchObject({ status: 'cancelled', failureReason: 'cancelled' });
    recorded.push({ name: 'scheduled-call-cancelled', workflowId: callWorkflowId(res.body.callLogId) });
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(await dialTimes(stack.sim, res.body.callLogId)).toEqual([]);
    expect(await ScheduledCall.findById(res.body.scheduleId).lean()).toMatchObject({ status: 'cancelled', finalStatus: 'cancelled' });
    expect(await CallLog.findById(res.body.callLogId).lean()).toMatchObject({ status: 'cancelled', finalStatus: 'cancelled' });
  });

  it('asked for outside business hours, dials when they next open', async () => {
    const zone = zoneAwayFromMidnight();
    const opensAt = DateTime.now().setZone(zone).plus({ seconds: 6 }).startOf('second');
    const businessHours = {
      start: opensAt.toFormat('HH:mm:ss'),
      end: opensAt.plus({ minutes: 10 }).toFormat('HH:mm:ss'),
      daysOfWeek: [0, 1, 2, 3, 4, 5, 6],
    };
    const res = await schedule({ phoneNumber: numberFor('000'), scheduledFor: inSeconds(1), timezone: zone, respectBusinessHours: true, businessHours });
    expect(res.status).toBe(201);
    expect(res.body.windowMoved).toBe(true);
    expect(new Date(res.body.effectiveAt).getTime()).toBe(opensAt.toMillis());

    expect(await result(res.body.callLogId)).toMatchObject({ status: 'completed' });
    const [dialed] = await dialTimes(stack.sim, res.body.callLogId);
    expect(dialed - opensAt.toMillis()).toBeGreaterThanOrEqual(0);
    expect(dialed - opensAt.toMillis()).toBeLessThan(1_000);
  });

  it('reads a time without an offset as wall-clock time in the callee\'s zone', async () => {
    const local = DateTime.now().setZone('America/New_York').plus({ hours: 2 }).startOf('second');
    const res = await schedule({ phoneNumber: numberFor('000'), scheduledFor: local.toFormat("yyyy-MM-dd'T'HH:mm:ss"), timezone: 'America/New_York' });
    expect(res.status).toBe(201);
    expect(new Date(res.body.scheduledFor).getTime()).toBe(local.toMillis());
    await api().post(`/api/v1/calls/scheduled/${res.body.scheduleId}/cancel`).send({});
    expect(await result(res.body.callLogId)).toMatchObject({ status: 'cancelled' });
  });
});

describe('bad schedule requests', () => {
  const past = new Date(Date.now() - 60_000).toISOString();
  it.each([
    ['an unknown time zone', { timezone: 'Mars/Olympus' }, 'INVALID_TIMEZONE'],
    ['business hours that end before they start', { respectBusinessHours: true, businessHours: { start: '18:00', end: '09:00' } }, 'WINDOW_START_NOT_BEFORE_END'],
    ['business hours on no day', { respectBusinessHours: true, businessHours: { start: '09:00', end: '18:00', daysOfWeek: [] } }, 'EMPTY_DAYS_OF_WEEK'],
    ['business hours without hours', { respectBusinessHours: true }, 'BUSINESS_HOURS_REQUIRED'],
    ['a time in the past', { scheduledFor: past }, 'SCHEDULED_TIME_IN_PAST'],
    ['a weekday that does not exist', { respectBusinessHours: true, businessHours: { start: '09:00', end: '18:00', daysOfWeek: [7] } }, 'INVALID_DAY_OF_WEEK'],
    ['no scheduledFor', { scheduledFor: undefined }, 'VALIDATION_ERROR'],
  ])('%s → 400 %s, and nothing is started', async (_name, override, code) => {
    const phoneNumber = numberFor('000');
    const before = await ScheduledCall.countDocuments({});
    const res = await schedule({ phoneNumber, scheduledFor: inSeconds(60), ...override });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toEqual(expect.any(String));
    expect(await ScheduledCall.countDocuments({})).toBe(before);
    expect(await CallLog.countDocuments({ phoneNumber })).toBe(0);
  });

  it('rescheduling an unknown schedule is 404, and into the past is 400', async () => {
    const unknown = await api().post('/api/v1/calls/scheduled/nope_123/reschedule').send({ scheduledFor: inSeconds(60) });
    expect(unknown.status).toBe(404);
    const res = await schedule({ phoneNumber: numberFor('000'), scheduledFor: inSeconds(60) });
    const past = await api().post(`/api/v1/calls/scheduled/${res.body.scheduleId}/reschedule`).send({ scheduledFor: new Date(Date.now() - 1_000).toISOString() });
    expect(past.status).toBe(400);
    expect(past.body.error.code).toBe('RESCHEDULE_IN_PAST');
    await api().post(`/api/v1/calls/scheduled/${res.body.scheduleId}/cancel`).send({});
    await result(res.body.callLogId);
  });
});
