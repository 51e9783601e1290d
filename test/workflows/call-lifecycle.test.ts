import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { readLineGateStatus } from '../../api/line-gate-status';
import { CallLog } from '../../db/models/call-log';
import { RetryAttempt } from '../../db/models/retry-attempt';
import type { CallWorkflowResult, CallWorkflowStatus } from '../../domain/call-workflow-types';
import { callStatusQuery, callWorkflowId, cancelSignal, exotelStatusSignal, lineGateWorkflowId, rescheduleUpdate, retryNowSignal } from '../../workflows/messages';
import { waitUntil } from '../../scripts/infra/wait-until';
import { saveRecordedHistories, type RecordedWorkflow } from '../helpers/recorded-histories';
import { FAST_TIMINGS, programScenarios, setFaults, simStats, startCallStack, type CallStack } from '../helpers/call-stack';

/**
 * The call workflow on the real dev server, dialing the Exotel simulator, with webhooks through the
 * real API and a stand-in for the media server. Policies use second-scale delays.
 */
let stack: CallStack;
let numberSeq = 0;

/**
 * `RINGLINE_RECORD_HISTORIES=1` saves the histories of these tests' calls, and of the line gate they
 * all passed, as replay fixtures (test/workflows/replay.test.ts).
 */
const recorded: RecordedWorkflow[] = [];
function recordHistory(name: string, callId: string): void {
  recorded.push({ name: `call-${name}`, workflowId: callWorkflowId(callId) });
}

/** A fresh number per test (the simulator keys scenarios by number); the suffix picks a built-in scenario. */
function number(suffix = '000'): string {
  numberSeq += 1;
  return `+9198${String(process.pid % 1000).padStart(3, '0')}${String(numberSeq).padStart(2, '0')}${suffix}`;
}

const fastRetries = (reason: string, initialDelayMs: number, maxRetries = 3) => ({
  jitter: 0,
  rules: { [reason]: { initialDelayMs, maxRetries } },
});

const { EventType } = temporal.api.enums.v1;

function handle(callId: string): WorkflowHandle {
  return stack.env.client.workflow.getHandle(callWorkflowId(callId));
}

async function result(callId: string): Promise<CallWorkflowResult> {
  return (await handle(callId).result()) as CallWorkflowResult;
}

async function waitForPhase(callId: string, phase: CallWorkflowStatus['phase'], timeoutMs = 15_000): Promise<CallWorkflowStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await handle(callId).query(callStatusQuery);
    if (status.phase === phase) return status;
    if (Date.now() > deadline) throw new Error(`call ${callId} stayed ${status.phase}, expected ${phase}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function dials(callId: string): Promise<number[]> {
  const stats = await simStats(stack.sim);
  return Object.entries(stats.dialsByCustomField)
    .filter(([field]) => field.startsWith(`${callId}:`))
    .sort()
    .map(([, count]) => count);
}

beforeAll(async () => {
  stack = await startCallStack({ label: 'lifecycle' });
});

afterAll(async () => {
  if (stack) await saveRecordedHistories(stack.env.client, recorded);
  await stack?.stop();
});

afterEach(async () => {
  stack.sim.reset();
  stack.media.behaviour = { holdMs: 300, outcome: 'completed' };
});

describe('callWorkflow', () => {
  it('answer → completed, with the attempt recorded', async () => {
    const callId = await stack.startCall(number());
    recordHistory('answered', callId);
    expect(await result(callId)).toEqual({ callId, status: 'completed', failureReason: null, attempts: 1 });
    expect(await dials(callId)).toEqual([1]);
    const log = await CallLog.findById(callId).lean();
    expect(log).toMatchObject({ status: 'completed', attempt: 1, outboundStatus: 'completed', failureReason: null });
    expect(log).toMatchObject({ finalStatus: 'completed', finalFailureReason: null, retryCount: 0 });
    expect(log?.exotelCallSid).toMatch(/^[0-9a-f]{32}$/);
    expect(log?.timings?.answeredAt).toBeInstanceOf(Date);
    expect(log?.timings?.endedAt).toBeInstanceOf(Date);
  });

  it('busy → retry → answer', async () => {
    const phone = number('100');
    await programScenarios(stack.sim, phone, ['busy', 'answer']);
    const callId = await stack.startCall(phone, { retryPolicy: fastRetries('busy', 300) });
    recordHistory('busy-then-answer', callId);
    expect(await result(callId)).toEqual({ callId, status: 'completed', failureReason: null, attempts: 2 });
    expect(await dials(callId)).toEqual([1, 1]);
    const attempts = await CallLog.find({ callId }).sort({ attempt: 1 }).lean();
    expect(attempts.map((a) => [a.attempt, a.status, a.failureReason, a.retryOf ?? null])).toEqual([
      [1, 'failed', 'busy', null],
      [2, 'completed', null, callId],
    ]);
    const retries = await RetryAttempt.find({ originalCallLogId: callId }).lean();
    expect(retries).toMatchObject([{ attemptNumber: 2, reason: 'busy', delayMs: 300, status: 'dialed', callLogId: `${callId}-2` }]);
  });

  it('no answer four times → failed no_answer_max_retries after 3 retries at growing delays', async () => {
    const callId = await stack.startCall(number('002'), { retryPolicy: fastRetries('no_answer', 200) });
    expect(await result(callId)).toEqual({ callId, status: 'failed', failureReason: 'no_answer_max_retries', attempts: 4 });
    expect(await dials(callId)).toEqual([1, 1, 1, 1]);
    const retries = await RetryAttempt.find({ originalCallLogId: callId }).sort({ attemptNumber: 1 }).lean();
    expect(retries.map((r) => [r.attemptNumber, r.reason, r.delayMs])).toEqual([
      [2, 'no_answer', 200],
      [3, 'no_answer', 400],
      [4, 'no_answer', 800],
    ]);
    expect(await CallLog.findById(callId).lean()).toMatchObject({ finalStatus: 'failed', finalFailureReason: 'no_answer_max_retries', retryCount: 3 });
  });

  it('Exotel\'s failed status is a network_error: the seed\'s 5 retries, each delay held under the reason\'s cap', async () => {
    const callId = await stack.startCall(number('003'), { retryPolicy: { jitter: 0, rules: { network_error: { initialDelayMs: 200, maxDelayMs: 300 } } } });
    expect(await result(callId)).toEqual({ callId, status: 'failed', failureReason: 'network_error_max_retries', attempts: 6 });
    expect(await dials(callId)).toEqual([1, 1, 1, 1, 1, 1]);
    const attempts = await CallLog.find({ callId }).sort({ attempt: 1 }).lean();
    expect(attempts.map((a) => [a.attempt, a.status, a.outboundStatus, a.failureReason])).toEqual(
      [1, 2, 3, 4, 5, 6].map((attempt) => [attempt, 'failed', 'failed', 'network_error']),
    );
    const retries = await RetryAttempt.find({ originalCallLogId: callId }).sort({ attemptNumber: 1 }).lean();
    expect(retries.map((r) => [r.attemptNumber, r.reason, r.delayMs])).toEqual([
      [2, 'network_error', 200],
      [3, 'network_error', 300],
      [4, 'network_error', 300],
      [5, 'network_error', 300],
      [6, 'network_error', 300],
    ]);
  });

  it('voicemail ends the call without a retry', async () => {
    stack.media.behaviour = { holdMs: 200, outcome: 'voicemail' };
    const callId = await stack.startCall(number('005'), { retryPolicy: fastRetries('no_answer', 100) });
    expect(await result(callId)).toEqual({ callId, status: 'voicemail', failureReason: 'voicemail', attempts: 1 });
  });

  it('an invalid number fails at once, never retried', async () => {
    const callId = await stack.startCall(number('004'));
    expect(await result(callId)).toEqual({ callId, status: 'failed', failureReason: 'invalid_number', attempts: 1 });
    expect(await CallLog.findById(callId).lean()).toMatchObject({ status: 'failed', failureReason: 'invalid_number', finalStatus: 'failed', retryCount: 0 });
  });

  it('a call refused at the dial takes two workflow tasks: start (line taken, dial sent) and dial refused', async () => {
    const callId = await stack.startCall(number('004'));
    await result(callId);
    const events = (await handle(callId).fetchHistory()).events ?? [];
    const types = events.map((e) => String(e.eventType));
    // The line is taken from the book, released and the outcome recorded by local activities, inside those tasks.
    expect(types.filter((t) => t === String(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED))).toHaveLength(2);
    expect(types).not.toContain(String(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED));
    expect(types).not.toContain(String(EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED));
    expect(events.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)).toEqual(['dialAttempt']);
  });

  it('every webhook dropped → settled through call details', async () => {
    await setFaults(stack.sim, { webhooks: [{ action: 'drop' }] });
    const callId = await stack.startCall(number());
    recordHistory('webhooks-lost', callId);
    expect(await result(callId)).toMatchObject({ status: 'completed', attempts: 1 });
    expect(await dials(callId)).toEqual([1]);
  });

  it('call details that settle nothing are asked again at the poll interval, not in a tight loop', async () => {
    await setFaults(stack.sim, { webhooks: [{ action: 'drop', event: 'terminal' }] });
    const reconcilePollMs = 4_000;
    const callId = await stack.startCall(number(), { timings: { ...FAST_TIMINGS, reconcilePollMs, reconcileWindowMs: 60_000 } });
    await waitForPhase(callId, 'in_progress', 30_000);
    const ended = async () => {
      const res = await fetch(`${stack.sim.baseUrl}/sim/calls`);
      const { calls } = (await res.json()) as { calls: { customField: string | null; endedAt: string | null }[] };
      return calls.some((c) => c.customField === `${callId}:1` && c.endedAt);
    };
    await waitUntil('the simulated call to end', ended, { timeoutMs: 60_000, intervalMs: 100 });
    // Exotel forgets the call: every call-details request from now on answers 404.
    stack.sim.reset();
    const countDetailRequests = async () =>
      ((await handle(callId).fetchHistory()).events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'fetchCallDetails').length;
    const before = await countDetailRequests();
    await new Promise((resolve) => setTimeout(resolve, 9_000));
    const asked = (await countDetailRequests()) - before;
    // One request per poll interval: two or three in 9 s. Asking again at once took about 1.3 s a round here.
    expect(asked).toBeGreaterThanOrEqual(2);
    expect(asked).toBeLessThanOrEqual(Math.ceil(9_000 / reconcilePollMs) + 1);
    await handle(callId).terminate('test done');
  });

  it('every webhook dropped on an unanswered call → no_answer from call details, then retried', async () => {
    await setFaults(stack.sim, { webhooks: [{ action: 'drop' }] });
    const callId = await stack.startCall(number('002'), { retryPolicy: fastRetries('no_answer', 100, 1) });
    expect(await result(callId)).toEqual({ callId, status: 'failed', failureReason: 'no_answer_max_retries', attempts: 2 });
  });

  it('duplicate and reordered webhooks change nothing', async () => {
    await setFaults(stack.sim, { webhooks: [{ action: 'duplicate' }, { action: 'reorder' }] });
    const callId = await stack.startCall(number());
    expect(await result(callId)).toEqual({ callId, status: 'completed', failureReason: null, attempts: 1 });
    expect(await CallLog.countDocuments({ callId })).toBe(1);
  });

  it('a late webhook of an earlier attempt does not touch the current one', async () => {
    const phone = number('101');
    await programScenarios(stack.sim, phone, ['busy', { name: 'answer', ringMs: 600 }]);
    // The busy attempt's terminal webhook arrives only after the retry has started ringing.
    await setFaults(stack.sim, { webhooks: [{ action: 'delay', delayMs: 2500, event: 'terminal', count: 1 }] });
    const callId = await stack.startCall(phone, { retryPolicy: { jitter: 0, rules: { busy: { initialDelayMs: 100 } } }, timings: { ringGraceMs: 500, reconcilePollMs: 200, reconcileWindowMs: 5_000, callGraceMs: 3_000, terminalAfterMediaMs: 1_000, mediaAfterTerminalMs: 1_000 } });
    expect(await result(callId)).toMatchObject({ status: 'completed', attempts: 2 });
    const first = await CallLog.findById(callId).lean();
    expect(first).toMatchObject({ status: 'failed', failureReason: 'busy' });
  });

  it('a status event whose CallSid is not the attempt\'s own changes nothing', async () => {
    const phone = number('103');
    await programScenarios(stack.sim, phone, [{ name: 'answer', ringMs: 1500 }]);
    const callId = await stack.startCall(phone, { ringTimeoutSec: 5 });
    const ringing = await waitForPhase(callId, 'ringing');
    const realSid = ringing.attempts[0].callSid;
    expect(realSid).toMatch(/^[0-9a-f]{32}$/);
    // What a signed URL copied from a log could post: busy and completed for another Exotel call.
    for (const status of ['busy', 'completed']) {
      await handle(callId).signal(exotelStatusSignal, { attempt: 1, callSid: 'f'.repeat(32), status, eventType: 'terminal', receivedAt: new Date().toISOString() });
    }
    expect((await handle(callId).query(callStatusQuery)).phase).toBe('ringing');
    expect(await result(callId)).toEqual({ callId, status: 'completed', failureReason: null, attempts: 1 });
    expect(await CallLog.findById(callId).lean()).toMatchObject({ exotelCallSid: realSid, outboundStatus: 'completed' });
  });

  it('cancel while waiting for a retry → no further dial', async () => {
    const callId = await stack.startCall(number('001'), { retryPolicy: fastRetries('busy', 60_000) });
    await waitForPhase(callId, 'retry_scheduled');
    await handle(callId).signal(cancelSignal, { reason: 'customer asked' });
    expect(await result(callId)).toEqual({ callId, status: 'cancelled', failureReason: 'cancelled', attempts: 1 });
    expect(await dials(callId)).toEqual([1]);
    expect(await RetryAttempt.findOne({ originalCallLogId: callId }).lean()).toMatchObject({ status: 'cancelled' });
  });

  it('cancel while ringing → cancelled, and an answer that comes anyway is closed at once', async () => {
    const phone = number('102');
    await programScenarios(stack.sim, phone, [{ name: 'answer', ringMs: 1500 }]);
    stack.media.behaviour = { holdMs: 10_000, outcome: 'completed' };
    const callId = await stack.startCall(phone, { ringTimeoutSec: 5 });
    recordHistory('cancel-while-ringing', callId);
    await waitForPhase(callId, 'ringing');
    await handle(callId).signal(cancelSignal, {});
    expect(await result(callId)).toEqual({ callId, status: 'cancelled', failureReason: 'cancelled', attempts: 1 });
    expect(stack.media.hangups).toContainEqual(expect.objectContaining({ callId, attempt: 1, mode: 'immediate' }));
  });

  it('cancel during a live call → the media server is asked for a goodbye and the call ends cancelled', async () => {
    stack.media.behaviour = { holdMs: 20_000, outcome: 'completed' };
    const callId = await stack.startCall(number());
    await waitForPhase(callId, 'in_progress');
    await new Promise((r) => setTimeout(r, 300));
    await handle(callId).signal(cancelSignal, { reason: 'ops' });
    expect(await result(callId)).toMatchObject({ status: 'cancelled', attempts: 1 });
    expect(stack.media.hangups).toContainEqual(expect.objectContaining({ callId, mode: 'goodbye' }));
  });

  it('answered but the media never connects → connection_lost → one immediate retry', async () => {
    stack.media.behaviour = { holdMs: 100, outcome: 'completed', vanish: true };
    const callId = await stack.startCall(number());
    expect(await result(callId)).toEqual({ callId, status: 'failed', failureReason: 'connection_lost_max_retries', attempts: 2 });
  });

  it('retryNow skips the rest of a retry wait', async () => {
    const phone = number('103');
    await programScenarios(stack.sim, phone, ['busy', 'answer']);
    const callId = await stack.startCall(phone, { retryPolicy: fastRetries('busy', 60_000) });
    await waitForPhase(callId, 'retry_scheduled');
    await handle(callId).signal(retryNowSignal);
    expect(await result(callId)).toMatchObject({ status: 'completed', attempts: 2 });
  });

  it('reschedule of a retry moves its time; of a live call it is refused', async () => {
    const callId = await stack.startCall(number('001'), { retryPolicy: fastRetries('busy', 60_000) });
    await waitForPhase(callId, 'retry_scheduled');
    const at = new Date(Date.now() + 120_000).toISOString();
    expect(await handle(callId).executeUpdate(rescheduleUpdate, { args: [{ at }] })).toEqual({ effectiveAt: at, moved: false });
    expect((await handle(callId).query(callStatusQuery)).nextAttemptAt).toBe(at);
    await handle(callId).signal(cancelSignal, {});
    await result(callId);

    stack.media.behaviour = { holdMs: 3_000, outcome: 'completed' };
    const live = await stack.startCall(number());
    await waitForPhase(live, 'in_progress');
    await expect(handle(live).executeUpdate(rescheduleUpdate, { args: [{ at }] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/cannot reschedule a call that is in_progress/) },
    });
    await result(live);
  });

  it('the status query shows phase, attempts and the next attempt time', async () => {
    const callId = await stack.startCall(number('001'), { retryPolicy: fastRetries('busy', 60_000) });
    const status = await waitForPhase(callId, 'retry_scheduled');
    expect(status).toMatchObject({ callId, attempt: 1, waitReason: 'retry_backoff', retriesByReason: { busy: 1 } });
    expect(Date.parse(status.nextAttemptAt!)).toBeGreaterThan(Date.now() + 50_000);
    expect(status.attempts[0]).toMatchObject({ attempt: 1, exotelStatus: 'busy', outcome: { status: 'failed', failureReason: 'busy' } });
    const described = await handle(callId).describe();
    expect(described.searchAttributes.RinglineCallStatus).toEqual(['retry_scheduled']);
    await handle(callId).signal(cancelSignal, {});
    await result(callId);
  });

  it('30 calls at once with a limit of 10 never have more than 10 live', async () => {
    await stack.stopWorkers();
    const limited = { ...stack.config, MAX_CONCURRENT_CALLS: 10 };
    Object.assign(stack.config, limited);
    await stack.startWorkers();
    stack.media.behaviour = { holdMs: 400, outcome: 'completed' };
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => stack.startCall(number(), { priority: i % 3 === 0 ? 'high' : 'low' })));
    const results = await Promise.all(ids.map(result));
    expect(results.every((r) => r.status === 'completed')).toBe(true);
    const stats = await simStats(stack.sim);
    expect(stats.maxLiveCalls).toBeLessThanOrEqual(10);
    expect(stats.maxLiveCalls).toBeGreaterThan(1);
    // The calls that had to wait went through the gate: its history is a replay fixture.
    recorded.push({ name: 'line-gate', workflowId: lineGateWorkflowId(stack.config.EXOTEL_ACCOUNT_SID) });
    // Every call released its line before it returned: none is left to be reclaimed by its lease.
    const { status } = await readLineGateStatus(stack.env.client, stack.config.EXOTEL_ACCOUNT_SID, 10, 5_000);
    expect(status.active).toHaveLength(0);
    expect(status.waitingTotal).toBe(0);
    expect(status.grantsTotal).toBeGreaterThanOrEqual(30);
  });
});

