import path from 'node:path';
import type { CallWorkflowResult, CallWorkflowStatus } from '../../domain/call-workflow-types';
import { ManagedProcess } from '../../scripts/infra/managed-process';
import { callStatusQuery, callWorkflowId } from '../../workflows/messages';
import { programScenarios, simStats, startCallStack, type CallStack } from '../helpers/call-stack';
import { configEnvironment } from '../helpers/config-environment';

/**
 * Workers run as real processes here, so they can be SIGKILLed mid-call. Temporal must carry the call
 * through the crash, and Exotel must see exactly one dial per attempt.
 */
let stack: CallStack;
let workers: ManagedProcess[] = [];
const ROOT = path.join(__dirname, '../..');

function startWorkers(): void {
  const output = process.env.RINGLINE_TEST_VERBOSE ? undefined : () => undefined;
  workers = ['workers/main.ts', 'workers/exotel.ts'].map(
    (entry) =>
      new ManagedProcess({
        name: path.basename(entry),
        command: process.execPath,
        args: ['--import', 'tsx', path.join(ROOT, entry)],
        cwd: ROOT,
        env: configEnvironment(stack.config),
        output,
      }),
  );
}

async function killWorkers(): Promise<void> {
  for (const w of workers) if (w.pid) process.kill(-w.pid, 'SIGKILL');
  await Promise.all(workers.map((w) => w.waitForExit()));
}

async function waitForPhase(callId: string, phase: CallWorkflowStatus['phase']): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = await stack.env.client.workflow.getHandle(callWorkflowId(callId)).query(callStatusQuery).catch(() => undefined);
    if (status?.phase === phase) return;
    if (Date.now() > deadline) throw new Error(`call never reached ${phase} (last: ${status?.phase})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  stack = await startCallStack({ label: 'crash', inProcessWorkers: false });
});

afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
});

afterAll(async () => {
  await stack?.stop();
});

it('a worker SIGKILLed during a live call is restarted and the call finishes, dialed once', async () => {
  stack.media.behaviour = { holdMs: 4_000, outcome: 'completed' };
  startWorkers();
  const callId = await stack.startCall('+919876510000');
  await waitForPhase(callId, 'in_progress');
  await killWorkers();
  await new Promise((r) => setTimeout(r, 500));
  startWorkers();
  const result = (await stack.env.client.workflow.getHandle(callWorkflowId(callId)).result()) as CallWorkflowResult;
  expect(result).toMatchObject({ status: 'completed', attempts: 1 });
  expect((await simStats(stack.sim)).dialsByCustomField[`${callId}:1`]).toBe(1);
}, 120_000);

it('a worker SIGKILLed while a retry sleeps: the retry still happens, once', async () => {
  stack.media.behaviour = { holdMs: 200, outcome: 'completed' };
  const phone = '+919876520100';
  await programScenarios(stack.sim, phone, ['busy', 'answer']);
  startWorkers();
  const callId = await stack.startCall(phone, { retryPolicy: { jitter: 0, rules: { busy: { initialDelayMs: 3_000 } } } });
  await waitForPhase(callId, 'retry_scheduled');
  await killWorkers();
  await new Promise((r) => setTimeout(r, 500));
  startWorkers();
  const result = (await stack.env.client.workflow.getHandle(callWorkflowId(callId)).result()) as CallWorkflowResult;
  expect(result).toMatchObject({ status: 'completed', attempts: 2 });
  const dials = (await simStats(stack.sim)).dialsByCustomField;
  expect([dials[`${callId}:1`], dials[`${callId}:2`], dials[`${callId}:3`]]).toEqual([1, 1, undefined]);
}, 120_000);
