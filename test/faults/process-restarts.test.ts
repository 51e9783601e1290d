import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { CallWorkflowResult } from '../../domain/call-workflow-types';
import type { Config } from '../../domain/config';
import { freePort } from '../../scripts/infra/free-port';
import { ManagedProcess } from '../../scripts/infra/managed-process';
import { startTemporalDevServer, waitForTemporal } from '../../scripts/infra/temporal-dev-server';
import { callWorkflowId } from '../../workflows/messages';
import { startCallStack, type CallStack } from '../helpers/call-stack';
import { dialTimes, numberFor } from '../helpers/schedule-helpers';

/**
 * A scheduled call outlives every process: while it waits, the workers are SIGKILLed and the Temporal
 * dev server itself is stopped and started again on its database file. The call still dials once, at
 * its time. This file runs its own persistent dev server (the suite's shared one keeps state in memory).
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
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(config)) if (value !== undefined) env[key] = String(value);
  workers = ['workers/main.ts', 'workers/exotel.ts'].map(
    (entry) => new ManagedProcess({ name: path.basename(entry), command: process.execPath, args: ['--import', 'tsx', path.join(ROOT, entry)], cwd: ROOT, env, output: quiet }),
  );
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
  stack = await startCallStack({ label: 'restart', inProcessWorkers: false });
}, 120_000);

afterAll(async () => {
  process.env.RINGLINE_TEST_TEMPORAL_ADDRESS = sharedAddress;
  await Promise.all(workers.map((worker) => worker.stop()));
  await stack?.stop();
  await temporal?.stop();
});

it('workers killed and the dev server restarted while a call waits: it dials once, at its time', async () => {
  startWorkers(stack.config);
  const scheduledFor = new Date(Date.now() + 20_000).toISOString();
  const res = await request(stack.apiUrl)
    .post('/api/v1/calls/outbound/schedule')
    .send({ phoneNumber: numberFor('000'), agentId: stack.agentId, scheduledFor, ringTimeoutSec: 5 });
  expect(res.status).toBe(201);

  await killWorkers();
  await temporal.stop();
  await startTemporal();
  startWorkers(stack.config);

  const result = (await stack.env.client.workflow.getHandle(callWorkflowId(res.body.callLogId)).result()) as CallWorkflowResult;
  expect(result).toMatchObject({ status: 'completed', attempts: 1 });
  const dials = await dialTimes(stack.sim, res.body.callLogId);
  expect(dials).toHaveLength(1);
  expect(dials[0] - Date.parse(scheduledFor)).toBeGreaterThanOrEqual(0);
  expect(dials[0] - Date.parse(scheduledFor)).toBeLessThan(1_000);
}, 120_000);
