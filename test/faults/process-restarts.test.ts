import { mkdtempSync } from 'node:fs';
import { DEFAULT_ORG_ID } from '../../domain/access-control';
import os from 'node:os';
import path from 'node:path';
import type { CallWorkflowResult } from '../../domain/call-workflow-types';
import type { Config } from '../../domain/config';
import { freePort } from '../../scripts/infra/free-port';
import { ManagedProcess } from '../../scripts/infra/managed-process';
import { waitForPollers } from '../../scripts/infra/task-queue-pollers';
import { startTemporalDevServer, waitForTemporal } from '../../scripts/infra/temporal-dev-server';
import { callWorkflowId } from '../../workflows/messages';
import { createCampaign } from '../../api/campaigns';
import { campaignRequestOf } from '../../api/campaign-settings';
import { LineGateSnapshot } from '../../api/line-gate-snapshot';
import { OrgCallGuard } from '../../lib/org-call-limits';
import { DEFAULT_TEMPORAL_TIMEOUTS } from '../../api/temporal-calls';
import { createLogger } from '../../lib/logger';
import { FAST_TIMINGS, startCallStack, type CallStack } from '../helpers/call-stack';
import { batchDials, waitForBatch } from '../helpers/campaign-helpers';
import { dialTimes, numberFor } from '../helpers/schedule-helpers';
import { configEnvironment } from '../helpers/config-environment';

/**
 * Work outlives every process: the workers are SIGKILLed and the Temporal dev server itself is stopped
 * and started again on its database file. A scheduled call still dials once, at its time; a campaign
 * still calls every contact exactly once. This file runs its own persistent dev server (the suite's
 * shared one keeps state in memory).
 */
const ROOT = path.join(__dirname, '../..');
const quiet = process.env.RINGLINE_TEST_VERBOSE ? undefined : () => undefined;
let stack: CallStack;
let temporal: ManagedProcess;
let workers: ManagedProcess[] = [];
let port: number;
let dbFile: string;
const sharedAddress = process.env.RINGLINE_TEST_TEMPORAL_ADDRESS;

async function startTemporal(): Promise<void> {
  temporal = startTemporalDevServer({ port, namespace: 'default', dbFile, output: quiet });
  await waitForTemporal(`127.0.0.1:${port}`, 'default');
}

function startWorkers(config: Config): void {
  const env = configEnvironment(config);
  workers = ['workers/main.ts', 'workers/exotel.ts'].map(
    (entry) => new ManagedProcess({ name: path.basename(entry), command: process.execPath, args: ['--import', 'tsx', path.join(ROOT, entry)], cwd: ROOT, env, output: quiet }),
  );
}

/** The restarted dev server keeps no poller history, so a poller seen is a live worker. */
async function waitForWorkers(config: Config): Promise<void> {
  await waitForPollers(stack.env.client.connection, 'default', [
    { name: config.TEMPORAL_TASK_QUEUE, kind: 'workflow' },
    { name: config.TEMPORAL_EXOTEL_TASK_QUEUE, kind: 'activity' },
  ]);
}

async function killWorkers(): Promise<void> {
  for (const worker of workers) if (worker.pid) process.kill(-worker.pid, 'SIGKILL');
  await Promise.all(workers.map((worker) => worker.waitForExit()));
}

beforeAll(async () => {
  port = await freePort();
  dbFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'ringline-restart-')), 'temporal.db');
  await startTemporal();
  // The stack's clients follow this variable; it is put back for the next test file in this worker.
  process.env.RINGLINE_TEST_TEMPORAL_ADDRESS = `127.0.0.1:${port}`;
  stack = await startCallStack({ label: 'restart', inProcessWorkers: false, config: { CAMPAIGN_CONTACTS_PER_RUN: '10' } });
}, 120_000);

// Each test starts worker processes of its own; none may outlive it (jest would never exit).
afterEach(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  workers = [];
});

afterAll(async () => {
  process.env.RINGLINE_TEST_TEMPORAL_ADDRESS = sharedAddress;
  await stack?.stop();
  await temporal?.stop();
});

it('workers killed and the dev server restarted while a call waits: it dials once, at its time', async () => {
  startWorkers(stack.config);
  const scheduledFor = new Date(Date.now() + 30_000).toISOString();
  const res = await stack.api()
    .post('/api/v1/calls/outbound/schedule')
    .send({ phoneNumber: numberFor('000'), agentId: stack.agentId, scheduledFor, ringTimeoutSec: 5 });
  expect(res.status).toBe(201);

  await killWorkers();
  await temporal.stop();
  await startTemporal();
  startWorkers(stack.config);
  await waitForWorkers(stack.config);
  expect(Date.now()).toBeLessThan(Date.parse(scheduledFor) - 5_000);

  const result = (await stack.env.client.workflow.getHandle(callWorkflowId(res.body.callLogId)).result()) as CallWorkflowResult;
  expect(result).toMatchObject({ status: 'completed', attempts: 1 });
  const dials = await dialTimes(stack.sim, res.body.callLogId);
  expect(dials).toHaveLength(1);
  expect(dials[0] - Date.parse(scheduledFor)).toBeGreaterThanOrEqual(0);
  // What a restart could break is the timer itself: restarted from zero it would dial ~30 s late, lost it would
  // never dial. Seconds of slack cover a timer task and a dial activity on a loaded 2-core machine.
  expect(dials[0] - Date.parse(scheduledFor)).toBeLessThan(3_000);
}, 120_000);

it('workers killed and the dev server restarted mid-campaign: every contact is called exactly once', async () => {
  startWorkers(stack.config);
  const ctx = {
    temporal: stack.env.client,
    config: stack.config,
    logger: createLogger('api', { level: 'silent' }),
    timeouts: DEFAULT_TEMPORAL_TIMEOUTS,
    lineGate: new LineGateSnapshot(stack.env.client, stack.config.EXOTEL_ACCOUNT_SID, 1_000, 500),
    orgCalls: new OrgCallGuard(stack.config),
  };
  const request = await campaignRequestOf(stack.config, DEFAULT_ORG_ID, { priority: 'medium', respectBusinessHours: false, agentId: stack.agentId, throttle: { maxConcurrent: 3 } }, 'json');
  async function* contacts() {
    for (let line = 1; line <= 30; line += 1) {
      yield { ok: true as const, contact: { line, phoneNumber: numberFor('000'), agentId: stack.agentId, scheduledFor: null, timezone: null, priority: null, variables: {}, legalTimezones: ['Asia/Kolkata'] } };
    }
  }
  // Straight through the API's own function, so the calls can carry test timings (lost webhooks settle in seconds).
  const { view } = await createCampaign(ctx, DEFAULT_ORG_ID, { ...request, timings: FAST_TIMINGS }, contacts(), undefined);
  const batchId = view.batchId;
  await waitForBatch(stack, batchId, (b) => b.progress.dispatched >= 8, 60_000);

  await killWorkers();
  await temporal.stop();
  await startTemporal();
  startWorkers(stack.config);

  const done = await waitForBatch(stack, batchId, (b) => b.status === 'completed', 150_000);
  expect(done.progress).toMatchObject({ total: 30, dispatched: 30, processed: 30 });
  expect(done.progress.successful + done.progress.failed).toBe(30);
  const dials = await batchDials(stack.sim, batchId);
  expect(Object.keys(dials).map((field) => field.split(':')[0]).sort()).toEqual(
    Array.from({ length: 30 }, (_, i) => `${batchId}-${i + 1}`).sort(),
  );
  expect(Object.values(dials).every((n) => n === 1)).toBe(true);
}, 240_000);
