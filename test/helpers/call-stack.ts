import type { Server } from 'node:http';
import mongoose from 'mongoose';
import { Worker } from '@temporalio/worker';
import request from 'supertest';
import { createApp } from '../../api/app';
import type { LiveUpdates } from '../../api/live/live-updates';
import { createApiKey } from '../../lib/api-keys';
import { createGeneralActivities } from '../../activities';
import { createExotelActivities } from '../../activities/exotel';
import { ExotelApi } from '../../activities/exotel-api';
import { connectDatabase, disconnectDatabase, pingDatabase } from '../../db/connection';
import { Agent } from '../../db/models/agent';
import type { CallTimings } from '../../domain/call-timings';
import type { CallWorkflowInput } from '../../domain/call-workflow-types';
import { parseConfig, type Config } from '../../domain/config';
import { generateSecrets } from '../../lib/generated-secrets';
import { createLogger } from '../../lib/logger';
import { createMetricsRegistry } from '../../lib/metrics';
import { freePort } from '../../scripts/infra/free-port';
import { RECORDINGS_PATH } from '../../sim/exotel/recorded-audio';
import { createExotelSimulator, type ExotelSimulator, type ExotelSimulatorOptions } from '../../sim/exotel/simulator';
import { callWorkflow } from '../../workflows/call/call-workflow';
import { callWorkflowId } from '../../workflows/messages';
import { startRealMediaServer, type RealMediaServer } from './real-media-server';
import { startStandInMediaServer, type StandInBehaviour, type StandInMediaServer } from './stand-in-media-server';
import { connectToTestTemporal, uniqueName } from './temporal-test-env';
import { testDatabaseUri, testInfra } from './test-infra';
import { exotelQueueRatePerSecond } from '../../domain/exotel-queue-rate';
import { EXOTEL_WORKER_CAPACITY, GENERAL_WORKER_CAPACITY } from '../../workers/worker-capacity';

/** Second-scale waits, so a test can walk a call through its whole life in a few seconds. */
export const FAST_TIMINGS: CallTimings = {
  ringGraceMs: 3_000,
  callGraceMs: 3_000,
  terminalAfterMediaMs: 1_000,
  mediaAfterTerminalMs: 1_000,
  reconcilePollMs: 500,
  reconcileWindowMs: 5_000,
};

export const FAST_SIMULATOR: ExotelSimulatorOptions = {
  queuedMs: 20,
  ringMs: 100,
  callbackDelayMs: 10,
  callbackTimeoutMs: 2_000,
  callbackRetryDelayMs: 100,
  mediaConnectTimeoutMs: 500,
  mediaRetryDelayMs: 50,
  calleeHangUpAfterMs: 300,
  rateLimitPerMinute: 0,
};

export interface CallStack<Media = StandInMediaServer> {
  config: Config;
  sim: ExotelSimulator;
  media: Media;
  apiUrl: string;
  /** An admin key of the default organization, and supertest on the API with it. */
  apiKey: string;
  api(): ReturnType<typeof request.agent>;
  env: Awaited<ReturnType<typeof connectToTestTemporal>>;
  agentId: string;
  /** Starts a call workflow directly, with test timings; `overrides` may replace any input field. */
  startCall(phoneNumber: string, overrides?: Partial<CallWorkflowInput>): Promise<string>;
  stopWorkers(): Promise<void>;
  startWorkers(): Promise<void>;
  stop(): Promise<void>;
}

export interface CallStackOptions {
  label: string;
  simulator?: ExotelSimulatorOptions;
  /** A stand-in that holds no conversation (default), or the real media server with its providers simulated. */
  media?: StandInBehaviour | 'real';
  config?: Record<string, string>;
  /** Run the workers in this process (default) or leave that to the test (crash tests). */
  inProcessWorkers?: boolean;
  /** The API's event streams, for a test that looks at them (and ends them before stopping the stack). */
  liveUpdates?: LiveUpdates;
}

/**
 * Everything a call needs, on loopback: the Exotel simulator, the real API (webhooks), a media
 * endpoint (a stand-in, or the real media server with `media: 'real'`), the general and Exotel
 * workers, on a task queue and Exotel account of their own.
 */
export async function startCallStack(options: CallStackOptions & { media: 'real' }): Promise<CallStack<RealMediaServer>>;
export async function startCallStack(options: CallStackOptions & { media?: StandInBehaviour }): Promise<CallStack>;
export async function startCallStack(options: CallStackOptions): Promise<CallStack<StandInMediaServer | RealMediaServer>> {
  const env = await connectToTestTemporal();
  const account = uniqueName(`acct-${options.label}`);
  const apiPort = await freePort();
  const sim = createExotelSimulator({
    logger: createLogger('exotel-sim', { level: 'silent' }),
    accountSid: account,
    ...FAST_SIMULATOR,
    // Flow mode: the simulated Voicebot applet asks the API's Voicebot URL endpoint, as Exotel's does.
    ...(options.config?.EXOTEL_MODE === 'flow' ? { voicebotUrl: `http://127.0.0.1:${apiPort}/api/v1/exotel/voicebot-url` } : {}),
    ...options.simulator,
  });
  await sim.start(0);
  const mongoUri = testDatabaseUri(options.label);
  const base = parseConfig({
    ...generateSecrets(),
    PAYLOAD_KEYS: testInfra().payloadKeys,
    MONGODB_URI: mongoUri,
    TEMPORAL_ADDRESS: testInfra().temporalAddress,
    PUBLIC_API_URL: `http://127.0.0.1:${apiPort}`,
    EXOTEL_BASE_URL: sim.baseUrl,
    EXOTEL_RECORDING_URL_PREFIXES: `${sim.baseUrl}${RECORDINGS_PATH}/`,
    EXOTEL_ACCOUNT_SID: account,
    EXOTEL_RATE_LIMIT_PER_MINUTE: '600000',
    TEMPORAL_TASK_QUEUE: uniqueName(`rl-${options.label}`),
    TEMPORAL_EXOTEL_TASK_QUEUE: uniqueName(`rl-exotel-${options.label}`),
    TEMPORAL_GATE_TASK_QUEUE: uniqueName(`rl-gate-${options.label}`),
    LOG_LEVEL: 'silent',
    // A whole-day legal window keeps results independent of when the suite runs; window tests set their own.
    LEGAL_CALLING_WINDOW_START: '00:00',
    LEGAL_CALLING_WINDOW_END: '24:00',
    // Campaign and scale tests poll fast with one key; the limits are tested on keys of their own.
    KEY_RATE_LIMIT_PER_MINUTE: '1000000',
    KEY_RATE_LIMIT_BURST: '1000000',
    KEY_RATE_LIMIT_PER_HOUR: '1000000',
    ...options.config,
  });
  await connectDatabase(mongoUri);
  const media =
    options.media === 'real'
      ? await startRealMediaServer(base, env.client, sim.baseUrl)
      : await startStandInMediaServer(env.client, base.MEDIA_TOKEN_SECRET, options.media ?? { holdMs: 300, outcome: 'completed' });
  // Workers reach the media server's HTTP side (hang-ups, greeting prewarm) where the config says it is, and nowhere else;
  // the API embeds knowledge documents with the real media server's OpenAI simulator.
  const config: Config = {
    ...base,
    PUBLIC_MEDIA_WS_URL: media.wsUrl,
    MEDIA_CONTROL_URL: media.baseUrl,
    ...('openai' in media && { OPENAI_BASE_URL: `${media.openai.baseUrl}/v1` }),
  };

  const agentId = `agent_${options.label}`;
  await Agent.updateOne(
    { _id: agentId },
    { $setOnInsert: { name: 'Test agent', prompt: 'You are a test.', greeting: 'Hello from the test.', maxCallDurationSec: 30 } },
    { upsert: true },
  );

  const { key: apiKey } = await createApiKey({ role: 'admin', name: 'call stack admin' }, config.API_KEY_PEPPER);
  const logger = createLogger('api', { level: 'silent' });
  const app = createApp({
    logger,
    metrics: createMetricsRegistry('api-test'),
    health: { temporal: async () => true, database: () => pingDatabase() },
    temporal: env.client,
    config,
    liveUpdates: options.liveUpdates,
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(apiPort, '127.0.0.1', () => resolve(s));
  });

  const inProcess = options.inProcessWorkers ?? true;
  let workers: Worker[] = [];
  let running: Promise<unknown>[] = [];
  const startWorkers = async () => {
    // One set for both queues: the line gate grants lines in the same line book the calls take them from.
    const activities = createGeneralActivities(env.client, config);
    const general = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowsPath: require.resolve('../../workflows'),
      dataConverter: env.dataConverter,
      activities,
      ...GENERAL_WORKER_CAPACITY,
    });
    const api = new ExotelApi({
      baseUrl: config.EXOTEL_BASE_URL,
      accountSid: config.EXOTEL_ACCOUNT_SID,
      apiKey: config.EXOTEL_API_KEY,
      apiToken: config.EXOTEL_API_TOKEN,
      timeoutMs: 2_000,
    });
    const exotel = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: config.TEMPORAL_EXOTEL_TASK_QUEUE,
      dataConverter: env.dataConverter,
      activities: createExotelActivities(api, config),
      maxTaskQueueActivitiesPerSecond: exotelQueueRatePerSecond(config.EXOTEL_RATE_LIMIT_PER_MINUTE),
      ...EXOTEL_WORKER_CAPACITY,
    });
    const gate = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: config.TEMPORAL_GATE_TASK_QUEUE,
      workflowsPath: require.resolve('../../workflows'),
      dataConverter: env.dataConverter,
      activities,
    });
    workers = [general, exotel, gate];
    running = workers.map((w) => w.run());
  };
  const stopWorkers = async () => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await Promise.allSettled(running);
    workers = [];
    running = [];
  };
  if (inProcess) await startWorkers();

  return {
    config,
    sim,
    media,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    apiKey,
    api: () => request.agent(`http://127.0.0.1:${apiPort}`).set('Authorization', `Bearer ${apiKey}`),
    env,
    agentId,
    startCall: async (phoneNumber, overrides = {}) => {
      const callId = overrides.callId ?? uniqueName('call');
      const input: CallWorkflowInput = {
        callId,
        phoneNumber,
        agentId,
        priority: 'medium',
        maxCallDurationSec: 30,
        exotelAccount: account,
        exotelTaskQueue: config.TEMPORAL_EXOTEL_TASK_QUEUE,
        ringTimeoutSec: 1,
        timings: FAST_TIMINGS,
        ...overrides,
      };
      await env.client.workflow.start(callWorkflow, { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: callWorkflowId(callId), args: [input] });
      return callId;
    },
    startWorkers,
    stopWorkers,
    stop: async () => {
      await stopWorkers();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await media.stop();
      await sim.stop();
      await mongoose.connection.db?.dropDatabase().catch(() => undefined);
      await disconnectDatabase();
      await env.close();
    },
  };
}

export async function simStats(sim: ExotelSimulator): Promise<{ dialsByCustomField: Record<string, number>; totalDials: number; maxLiveCalls: number; liveCalls: number }> {
  return (await (await fetch(`${sim.baseUrl}/sim/stats`)).json()) as never;
}

export async function programScenarios(sim: ExotelSimulator, number: string, scenarios: unknown[]): Promise<void> {
  const res = await fetch(`${sim.baseUrl}/sim/scenarios`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ number, scenarios }),
  });
  if (!res.ok) throw new Error(`programming scenarios failed: ${res.status} ${await res.text()}`);
}

export async function setFaults(sim: ExotelSimulator, faults: unknown): Promise<void> {
  const res = await fetch(`${sim.baseUrl}/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  if (!res.ok) throw new Error(`setting faults failed: ${res.status} ${await res.text()}`);
}
