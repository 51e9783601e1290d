import type { CallWorkflowResult } from '../../domain/call-workflow-types';
import { readLineGateStatus } from '../../api/line-gate-status';
import { callStatusQuery, callWorkflowId } from '../../workflows/messages';
import { FAST_TIMINGS, setFaults, simStats, startCallStack, type CallStack } from '../helpers/call-stack';

/** An Exotel 5xx storm: the breaker opens, calls wait (and say why), nothing is lost or dialed twice. */
let stack: CallStack;

beforeAll(async () => {
  stack = await startCallStack({
    label: 'breaker',
    config: { EXOTEL_CIRCUIT_FAILURES: '3', EXOTEL_CIRCUIT_OPEN_SEC: '2', MAX_CONCURRENT_CALLS: '1' },
  });
});

afterAll(async () => {
  await stack?.stop();
});

it('opens after consecutive failures, holds calls while open, and lets them all through afterwards', async () => {
  await setFaults(stack.sim, { api: [{ action: 'status', status: 503, endpoint: 'connect', count: 3 }] });
  const timings = { ...FAST_TIMINGS, ringGraceMs: 300 };
  const retryPolicy = { jitter: 0, rules: { network_error: { initialDelayMs: 100, maxRetries: 5 } } };
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    ids.push(await stack.startCall(`+91987650${String(i).padStart(2, '0')}00`, { timings, retryPolicy }));
  }
  const gate = async () => (await readLineGateStatus(stack.env.client, stack.config.EXOTEL_ACCOUNT_SID, 1, 5_000)).status;

  // While the breaker is open, a waiting call says why it waits.
  let sawCircuitOpen = false;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !sawCircuitOpen) {
    const state = await gate().catch(() => undefined);
    if (state?.circuit.state === 'open') {
      for (const id of ids) {
        const status = await stack.env.client.workflow.getHandle(callWorkflowId(id)).query(callStatusQuery);
        if (status.phase === 'waiting_for_line' && status.waitReason === 'circuit_open') sawCircuitOpen = true;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(sawCircuitOpen).toBe(true);

  const results = (await Promise.all(ids.map((id) => stack.env.client.workflow.getHandle(callWorkflowId(id)).result()))) as CallWorkflowResult[];
  expect(results.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed', 'completed']);
  const state = await gate();
  expect(state.circuit).toMatchObject({ state: 'closed', opensTotal: 1, consecutiveFailures: 0 });
  const stats = await simStats(stack.sim);
  expect(Object.values(stats.dialsByCustomField).every((n) => n === 1)).toBe(true);
});
