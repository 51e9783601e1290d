import { DateTime } from 'luxon';
import { RetryAttempt } from '../../db/models/retry-attempt';
import { CallLog } from '../../db/models/call-log';
import type { CallWorkflowResult } from '../../domain/call-workflow-types';
import { callWorkflowId } from '../../workflows/messages';
import { startCallStack, type CallStack } from '../helpers/call-stack';
import { dialTimes, numberFor, zoneAwayFromMidnight } from '../helpers/schedule-helpers';

/**
 * Retries and DND lookups on the real dev server. Peak hours are set to end a few seconds after the
 * stack starts, so a retry that would land inside them must wait for their end; DND lookups are on.
 */
let stack: CallStack;
let peakEnd: DateTime;

beforeAll(async () => {
  const zone = zoneAwayFromMidnight();
  const now = DateTime.now().setZone(zone).startOf('second');
  peakEnd = now.plus({ seconds: 25 });
  stack = await startCallStack({
    label: 'windows',
    config: {
      DEFAULT_CALLEE_TIMEZONE: zone,
      PEAK_HOURS_START: now.minus({ minutes: 1 }).toFormat('HH:mm:ss'),
      PEAK_HOURS_END: peakEnd.toFormat('HH:mm:ss'),
      DND_CHECK_ENABLED: 'true',
    },
  });
});

afterAll(async () => {
  await stack?.stop();
});

const result = (callId: string): Promise<CallWorkflowResult> => stack.env.client.workflow.getHandle(callWorkflowId(callId)).result();
const place = (body: Record<string, unknown>) => stack.api().post('/api/v1/calls/outbound').send({ agentId: stack.agentId, ringTimeoutSec: 5, ...body });

it('a retry that would land inside peak hours waits for their end', async () => {
  const res = await place({
    phoneNumber: numberFor('001'),
    retryPolicy: { avoidPeakHours: true, jitter: 0, rules: { busy: { maxRetries: 1, initialDelayMs: 500 } } },
  });
  expect(res.status).toBe(202);
  expect(await result(res.body.callLogId)).toMatchObject({ status: 'failed', failureReason: 'busy_max_retries', attempts: 2 });
  const [first, second] = await dialTimes(stack.sim, res.body.callLogId);
  expect(first).toBeLessThan(peakEnd.toMillis());
  expect(second - peakEnd.toMillis()).toBeGreaterThanOrEqual(0);
  expect(second - peakEnd.toMillis()).toBeLessThan(1_000);
  const retry = await RetryAttempt.findOne({ originalCallLogId: res.body.callLogId, attemptNumber: 2 }).lean();
  expect(retry?.scheduledFor?.getTime()).toBe(peakEnd.toMillis());
}, 60_000);

it('a retry without avoidPeakHours goes at its own time, inside peak hours', async () => {
  const res = await place({ phoneNumber: numberFor('001'), retryPolicy: { jitter: 0, rules: { busy: { maxRetries: 1, initialDelayMs: 500 } } } });
  expect(await result(res.body.callLogId)).toMatchObject({ attempts: 2 });
  const [first, second] = await dialTimes(stack.sim, res.body.callLogId);
  expect(second - first).toBeLessThan(5_000);
});

it('a number on the DND registry is never dialled and ends dnd_blocked', async () => {
  // 008 is the simulator's DND scenario: its number-metadata answer says DND: Yes.
  const res = await place({ phoneNumber: numberFor('008') });
  expect(res.status).toBe(202);
  expect(await result(res.body.callLogId)).toMatchObject({ status: 'failed', failureReason: 'dnd_blocked', attempts: 1 });
  expect(await dialTimes(stack.sim, res.body.callLogId)).toEqual([]);
  expect(await CallLog.findById(res.body.callLogId).lean()).toMatchObject({ status: 'failed', failureReason: 'dnd_blocked', finalStatus: 'failed' });
});

it('a number off the registry is looked up, then dialled', async () => {
  const res = await place({ phoneNumber: numberFor('000') });
  expect(await result(res.body.callLogId)).toMatchObject({ status: 'completed' });
  expect(await dialTimes(stack.sim, res.body.callLogId)).toHaveLength(1);
});
