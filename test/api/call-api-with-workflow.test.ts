import { startCallStack, type CallStack } from '../helpers/call-stack';

/**
 * The API with the real call workflow, workers, Exotel simulator and a stand-in media endpoint: a call
 * placed through the API runs to its end, and what the API then reads back is what the workflow wrote.
 */
let stack: CallStack;
let numberSeq = 0;

/** A fresh number per test; the suffix picks the simulator's built-in scenario (000 answers, 001 is busy). */
function number(suffix: string): string {
  numberSeq += 1;
  return `+9197${String(process.pid % 1000).padStart(3, '0')}${String(numberSeq).padStart(2, '0')}${suffix}`;
}

beforeAll(async () => {
  stack = await startCallStack({ label: 'api_workflow' });
});

afterAll(async () => {
  await stack?.stop();
});

/** Waits for the workflow to end, then reads the call back through the API. */
async function finishedCall(accepted: { callLogId: string; workflowId: string }): Promise<Record<string, unknown>> {
  await stack.env.client.workflow.getHandle(accepted.workflowId).result();
  const res = await stack.api().get(`/api/v1/calls/${accepted.callLogId}`);
  expect(res.status).toBe(200);
  return res.body as Record<string, unknown>;
}

describe('the call API driving the real call workflow', () => {
  it('places an answered call that ends completed, with the Exotel call on record', async () => {
    const accepted = await stack.api()
      .post('/api/v1/calls/outbound')
      .set('Idempotency-Key', `e2e-answered-${process.pid}-${Date.now()}`)
      .send({ phoneNumber: number('000'), agentId: stack.agentId, ringTimeoutSec: 5, metadata: { ticket: 'T-1' } });
    expect(accepted.status).toBe(202);

    const call = await finishedCall(accepted.body);
    expect(call).toMatchObject({ status: 'completed', live: null, metadata: { ticket: 'T-1' } });
    const [attempt] = call.attempts as Record<string, unknown>[];
    expect(attempt).toMatchObject({ attempt: 1, status: 'completed', failureReason: null });
    expect(attempt.exotelCallSid).toEqual(expect.stringMatching(/^[0-9a-f]{32}$/));

    const stats = await stack.api().get(`/api/v1/calls/outbound/stats?agentId=${stack.agentId}`);
    expect(stats.body.outcomes.completed).toBeGreaterThanOrEqual(1);
    // One call at a time never waits for a line, so no gate workflow was ever needed.
    expect(stats.body.lineGate).toBe('not_started');
  });

  it('retries a busy number under the request\'s retry policy and shows each attempt', async () => {
    const accepted = await stack.api()
      .post('/api/v1/calls/outbound')
      .send({ phoneNumber: number('001'), agentId: stack.agentId, ringTimeoutSec: 5, retryPolicy: { jitter: 0, rules: { busy: { maxRetries: 1, initialDelayMs: 200 } } } });
    expect(accepted.status).toBe(202);

    const call = await finishedCall(accepted.body);
    expect(call).toMatchObject({ status: 'failed', live: null });
    // Each attempt's row keeps its own reason; the call as a whole failed because retries ran out.
    expect(call.failureReason).toBe('busy_max_retries');
    expect((call.attempts as Record<string, unknown>[]).map((attempt) => [attempt.attempt, attempt.status, attempt.outboundStatus])).toEqual([
      [1, 'failed', 'busy'],
      [2, 'failed', 'busy'],
    ]);
  });

  it('cancels a call through the API', async () => {
    const accepted = await stack.api()
      .post('/api/v1/calls/outbound')
      .send({ phoneNumber: number('000'), agentId: stack.agentId, scheduledFor: new Date(Date.now() + 3_600_000).toISOString() });
    expect(accepted.body.status).toBe('scheduled');
    const cancel = await stack.api().post(`/api/v1/calls/${accepted.body.callLogId}/cancel`).send({ reason: 'not needed' });
    expect(cancel.status).toBe(202);
    const call = await finishedCall(accepted.body);
    expect(call.status).toBe('cancelled');
    expect(call.attempts).toEqual([expect.objectContaining({ attempt: 1, status: 'cancelled' })]);
    const again = await stack.api().post(`/api/v1/calls/${accepted.body.callLogId}/cancel`).send({});
    expect(again.status).toBe(409);
  });
});
