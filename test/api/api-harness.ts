import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { Express } from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import type { DestinationStream } from 'pino';
import { createApp } from '../../api/app';
import type { TemporalTimeouts } from '../../api/temporal-calls';
import { connectDatabase, disconnectDatabase } from '../../db/connection';
import { parseConfig, type Config } from '../../domain/config';
import { generateSecrets } from '../../lib/generated-secrets';
import type { CallWorkflowInput } from '../../domain/call-workflow-types';
import type { LineGateRoom } from '../../domain/line-gate-types';
import { createApiKey, type NewApiKey } from '../../lib/api-keys';
import { createLogger } from '../../lib/logger';
import { createMetricsRegistry } from '../../lib/metrics';
import { callWorkflowId, lineGateWorkflowId } from '../../workflows/messages';
import { callWorkflow as recordingCallWorkflow, fakeLineGateWorkflow, finishSignal, recordedCallQuery, setCallStateSignal, type FixtureCallState, type RecordedCall } from '../fixtures/workflows/recording-call';
import { freePort } from '../../scripts/infra/free-port';
import { testDataConverter } from '../helpers/temporal-test-env';
import { testDatabaseUri, testInfra } from '../helpers/test-infra';

/**
 * The API under test on the real dev server and database, with a worker that runs the fixture
 * workflows (test/fixtures/workflows/recording-call.ts) under the real workflow type names, on a task
 * queue and an Exotel account of this test file's own.
 */
export interface ApiHarness {
  app: Express;
  /** An admin key of the default organization, and `app` behind it: what most tests call the API as. */
  adminKey: string;
  api: ReturnType<typeof request.agent>;
  /** `app` (or another app) called with `key` (default: the admin key). */
  authed(app?: Express, key?: string): ReturnType<typeof request.agent>;
  createKey(request: NewApiKey): Promise<string>;
  client: Client;
  config: Config;
  makeApp(options?: { config?: Record<string, string>; client?: Client; logDestination?: DestinationStream; timeouts?: Partial<TemporalTimeouts> }): Express;
  startFixtureCall(input: CallWorkflowInput): Promise<void>;
  recorded(callId: string): Promise<RecordedCall>;
  setCallState(callId: string, state: FixtureCallState): Promise<void>;
  finishCall(callId: string): Promise<void>;
  startLineGate(room: LineGateRoom, account?: string): Promise<() => Promise<void>>;
  workflowExists(workflowId: string): Promise<boolean>;
  close(): Promise<void>;
}

let runtimeInstalled = false;

/** The worker's own progress lines (bundling, state changes) would bury the test report. */
function quietTemporalRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  runtimeInstalled = true;
}

export async function startApiHarness(
  label: string,
  options: { config?: Record<string, string>; worker?: boolean } = {},
): Promise<ApiHarness> {
  const { temporalAddress, namespace } = testInfra();
  const configOverrides = options.config ?? {};
  await connectDatabase(testDatabaseUri(label));
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection, namespace, dataConverter: testDataConverter() });
  const unique = `${label}-${process.pid}-${randomUUID().slice(0, 8)}`;
  // The legal calling window spans the whole day here, so that results never depend on when the suite runs.
  const baseEnv = {
    ...generateSecrets(),
    TEMPORAL_TASK_QUEUE: `api-test-${unique}`,
    EXOTEL_ACCOUNT_SID: `acct-${unique}`,
    LEGAL_CALLING_WINDOW_START: '00:00',
    LEGAL_CALLING_WINDOW_END: '24:00',
    // Tests call fast and often with one key; the limits themselves are tested with keys of their own limits.
    KEY_RATE_LIMIT_PER_MINUTE: '1000000',
    KEY_RATE_LIMIT_BURST: '1000000',
    KEY_RATE_LIMIT_PER_HOUR: '1000000',
    ...configOverrides,
  };
  const config = parseConfig(baseEnv);

  const stopWorker = options.worker === false ? async () => undefined : await runFixtureWorker(temporalAddress, namespace, config.TEMPORAL_TASK_QUEUE);

  const makeApp: ApiHarness['makeApp'] = (options = {}) =>
    createApp({
      config: parseConfig({ ...baseEnv, ...options.config }),
      temporal: options.client ?? client,
      logger: createLogger('api-test', { level: options.logDestination ? 'debug' : 'silent', destination: options.logDestination }),
      metrics: createMetricsRegistry('api-test'),
      health: { temporal: async () => true, database: async () => true },
      // These tests change the gate's queue between requests and expect the next request to see it.
      temporalTimeouts: { lineGateSnapshotMs: 0, ...options.timeouts },
    });

  const handle = (callId: string) => client.workflow.getHandle(callWorkflowId(callId));
  const createKey = async (keyRequest: NewApiKey) => (await createApiKey(keyRequest, config.API_KEY_PEPPER)).key;
  const adminKey = await createKey({ role: 'admin', name: 'test admin' });
  const app = makeApp();
  const authed = (target: Express = app, key = adminKey) => request.agent(target).set('Authorization', `Bearer ${key}`);

  return {
    app,
    adminKey,
    api: authed(),
    authed,
    createKey,
    client,
    config,
    makeApp,
    async startFixtureCall(input) {
      await client.workflow.start(recordingCallWorkflow, { workflowId: callWorkflowId(input.callId), taskQueue: config.TEMPORAL_TASK_QUEUE, args: [input] });
    },
    recorded: (callId) => handle(callId).query(recordedCallQuery),
    setCallState: (callId, state) => handle(callId).signal(setCallStateSignal, state),
    async finishCall(callId) {
      await handle(callId).signal(finishSignal);
      await handle(callId).result();
    },
    async startLineGate(room, account = config.EXOTEL_ACCOUNT_SID) {
      const gate = await client.workflow.start(fakeLineGateWorkflow, {
        workflowId: lineGateWorkflowId(account),
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        args: [room],
      });
      return async () => {
        await gate.signal(finishSignal);
        await gate.result();
      };
    },
    async workflowExists(workflowId) {
      try {
        await client.workflow.getHandle(workflowId).describe();
        return true;
      } catch (err) {
        if ((err as Error).name === 'WorkflowNotFoundError') return false;
        throw err;
      }
    },
    async close() {
      await stopWorker();
      await connection.close();
      await mongoose.connection.db?.dropDatabase();
      await disconnectDatabase();
    },
  };
}

async function runFixtureWorker(address: string, namespace: string, taskQueue: string): Promise<() => Promise<void>> {
  quietTemporalRuntime();
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowsPath: require.resolve('../fixtures/workflows/recording-call'),
    dataConverter: testDataConverter(),
  });
  const running = worker.run();
  return async () => {
    worker.shutdown();
    await running;
    await connection.close();
  };
}

/** A client whose Temporal frontend never answers: a port nothing listens on. */
export async function unreachableTemporalClient(): Promise<Client> {
  return new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await freePort()}` }) });
}

export function gateRoom(overrides: Partial<LineGateRoom> = {}): LineGateRoom {
  return {
    waiting: { high: 0, medium: 0, low: 0 },
    waitingTotal: 0,
    circuit: { state: 'closed', openUntil: null, opensTotal: 0 },
    ...overrides,
  };
}
