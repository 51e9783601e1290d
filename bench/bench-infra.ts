import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createApp } from '../api/app';
import { createApiKey } from '../lib/api-keys';
import { createGeneralActivities } from '../activities';
import { createExotelActivities } from '../activities/exotel';
import { ExotelApi } from '../activities/exotel-api';
import { connectDatabase, disconnectDatabase, pingDatabase } from '../db/connection';
import { parseConfig, type Config } from '../domain/config';
import { generateSecrets } from '../lib/generated-secrets';
import { generatePayloadKeysSetting } from '../lib/payload-codec';
import { FAILURE_CONVERTER_PATH, ringlineDataConverter } from '../lib/temporal-connection';
import pino from 'pino';
import { createLogger } from '../lib/logger';
import { createMetricsRegistry } from '../lib/metrics';
import { startFerretDb, waitForMongo } from '../scripts/infra/ferretdb';
import { chooseFerretDbStorage, describeStorage, discardFerretDbStorage, withLocalClientPoolLimit } from '../scripts/infra/ferretdb-storage';
import { freePort } from '../scripts/infra/free-port';
import type { ManagedProcess } from '../scripts/infra/managed-process';
import { startTemporalDevServer, waitForTemporal } from '../scripts/infra/temporal-dev-server';
import { exotelQueueRatePerSecond } from '../domain/exotel-queue-rate';
import { EXOTEL_WORKER_CAPACITY, GENERAL_WORKER_CAPACITY } from '../workers/worker-capacity';

/**
 * What every benchmark stands on: a headless in-memory Temporal dev server and a throwaway FerretDB
 * (child processes; which backend it uses is printed), and Ringline's API and workers in the benchmark's own process.
 */
export interface BenchInfra {
  temporalAddress: string;
  mongoUri: string;
  client: Client;
  /** The payload keyring every client and worker of the benchmark seals payloads with, and its data converter. */
  payloadKeys: string;
  dataConverter: DataConverter;
  nativeConnection: NativeConnection;
  workflowBundle: WorkflowBundleWithSourceMap;
  stop(): Promise<void>;
}

export const quietLogger = createLogger('bench', { level: 'silent' });

export async function startBenchInfra(): Promise<BenchInfra> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const silent = () => undefined;
  const temporalPort = await freePort();
  const mongoPort = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ringline-bench-'));
  const storage = await chooseFerretDbStorage({ dataDir, database: `ringline_bench_${process.pid}` });
  process.stderr.write(`bench database: ${describeStorage(storage)}\n`);
  const processes: ManagedProcess[] = [
    startTemporalDevServer({ port: temporalPort, namespace: 'default', output: silent }),
    startFerretDb({ port: mongoPort, debugPort: await freePort(), storage, output: silent }),
  ];
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const mongoUri = withLocalClientPoolLimit(`mongodb://127.0.0.1:${mongoPort}/ringline_bench`);
  const stopProcesses = async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await discardFerretDbStorage(storage);
  };
  // The dev server and FerretDB run in process groups of their own: an interrupted benchmark must stop
  // them itself or they outlive it.
  const onSignal = (signal: NodeJS.Signals) => {
    void stopProcesses().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await Promise.all([waitForTemporal(temporalAddress, 'default'), waitForMongo(mongoUri)]);
    await connectDatabase(mongoUri);
  } catch (err) {
    await stopProcesses();
    throw err;
  }
  const connection = await Connection.connect({ address: temporalAddress });
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: new DefaultLogger('ERROR'),
  });
  const payloadKeys = generatePayloadKeysSetting('bench');
  const dataConverter = ringlineDataConverter({ PAYLOAD_KEYS: payloadKeys });
  return {
    temporalAddress,
    mongoUri,
    client: new Client({ connection, dataConverter }),
    payloadKeys,
    dataConverter,
    nativeConnection,
    workflowBundle,
    stop: async () => {
      await nativeConnection.close();
      await connection.close();
      await disconnectDatabase();
      await stopProcesses();
    },
  };
}

/**
 * A benchmark run's configuration: its own queues and Exotel account, the simulator's address, the
 * whole day as calling window, and the line gate out of the way so the figures measure the pipeline.
 * `limitPerMinute` 0 lifts Exotel's rate limit.
 */
export function benchConfig(
  infra: BenchInfra,
  run: { queuePrefix: string; account: string; apiPort: number; simUrl: string; limitPerMinute: number },
  extra: Record<string, string> = {},
): Config {
  return parseConfig({
    ...generateSecrets(),
    PAYLOAD_KEYS: infra.payloadKeys,
    LEGAL_CALLING_WINDOW_START: '00:00',
    LEGAL_CALLING_WINDOW_END: '24:00',
    TEMPORAL_ADDRESS: infra.temporalAddress,
    MONGODB_URI: infra.mongoUri,
    PUBLIC_API_URL: `http://127.0.0.1:${run.apiPort}`,
    EXOTEL_BASE_URL: run.simUrl,
    EXOTEL_ACCOUNT_SID: run.account,
    EXOTEL_RATE_LIMIT_PER_MINUTE: String(run.limitPerMinute || 1_000_000),
    MAX_CONCURRENT_CALLS: '100000',
    MAX_WAITING_CALLS: '1000000',
    TEMPORAL_TASK_QUEUE: run.queuePrefix,
    TEMPORAL_EXOTEL_TASK_QUEUE: `${run.queuePrefix}-exotel`,
    TEMPORAL_GATE_TASK_QUEUE: `${run.queuePrefix}-gate`,
    LOG_LEVEL: 'silent',
    // A benchmark sends from one key as fast as it can; the limits are not what it measures.
    KEY_RATE_LIMIT_PER_MINUTE: '100000000',
    KEY_RATE_LIMIT_BURST: '100000000',
    KEY_RATE_LIMIT_PER_HOUR: '100000000',
    ORG_DAILY_CALL_CAP: '100000000',
    ORG_MAX_OPEN_CALLS: '100000000',
    ...extra,
  });
}

export interface RinglineInProcess {
  apiUrl: string;
  /** An admin key of the default organization, for `Authorization: Bearer`. */
  apiKey: string;
  stop(): Promise<void>;
}

/** The API (on `apiPort`) and the general, gate and Exotel workers for one configuration. */
export async function startRinglineInProcess(infra: BenchInfra, config: Config, apiPort: number): Promise<RinglineInProcess> {
  const app = createApp({
    // Errors still matter in a benchmark; they go to stderr, away from the figures on stdout.
    logger: createLogger('api', { level: 'error', destination: pino.destination(2) }),
    metrics: createMetricsRegistry('bench'),
    health: { temporal: async () => true, database: () => pingDatabase() },
    temporal: infra.client,
    config,
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(apiPort, '127.0.0.1', () => resolve(s));
  });
  const { key: apiKey } = await createApiKey({ role: 'admin', name: 'benchmark' }, config.API_KEY_PEPPER);
  // One set for both queues: the line gate grants lines in the same line book the calls take them from.
  const activities = createGeneralActivities(infra.client, config);
  const general = await Worker.create({
    connection: infra.nativeConnection,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundle: infra.workflowBundle,
    dataConverter: infra.dataConverter,
    activities: createGeneralActivities(infra.client, config),
    ...GENERAL_WORKER_CAPACITY,
  });
  const gate = await Worker.create({
    connection: infra.nativeConnection,
    taskQueue: config.TEMPORAL_GATE_TASK_QUEUE,
    workflowBundle: infra.workflowBundle,
    dataConverter: infra.dataConverter,
    activities,
  });
  const exotel = await Worker.create({
    connection: infra.nativeConnection,
    taskQueue: config.TEMPORAL_EXOTEL_TASK_QUEUE,
    dataConverter: infra.dataConverter,
    activities: createExotelActivities(
      new ExotelApi({
        baseUrl: config.EXOTEL_BASE_URL,
        accountSid: config.EXOTEL_ACCOUNT_SID,
        apiKey: config.EXOTEL_API_KEY,
        apiToken: config.EXOTEL_API_TOKEN,
        timeoutMs: config.EXOTEL_HTTP_TIMEOUT_MS,
      }),
      config,
    ),
    maxTaskQueueActivitiesPerSecond: exotelQueueRatePerSecond(config.EXOTEL_RATE_LIMIT_PER_MINUTE),
    ...EXOTEL_WORKER_CAPACITY,
  });
  const workers = [general, gate, exotel];
  const running = workers.map((w) => w.run());
  return {
    apiUrl: `http://127.0.0.1:${apiPort}`,
    apiKey,
    stop: async () => {
      for (const w of workers) w.shutdown();
      await Promise.all(running);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Places `count` calls through the API, `concurrency` at a time; answers each call's accept time. */
export async function placeCalls(
  { apiUrl, apiKey }: Pick<RinglineInProcess, 'apiUrl' | 'apiKey'>,
  count: number,
  concurrency: number,
  body: (i: number) => Record<string, unknown>,
): Promise<{ acceptedAt: Map<string, number>; acceptLatencyMs: number[]; seconds: number }> {
  const acceptedAt = new Map<string, number>();
  const acceptLatencyMs: number[] = [];
  const start = Date.now();
  let next = 0;
  const send = async () => {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      const res = await fetch(`${apiUrl}/api/v1/calls/outbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify(body(i)),
      });
      const answer = (await res.json()) as { callLogId?: string };
      if (res.status !== 202 || !answer.callLogId) throw new Error(`call ${i} not accepted: ${res.status} ${JSON.stringify(answer)}`);
      acceptLatencyMs.push(performance.now() - t0);
      acceptedAt.set(answer.callLogId, Date.now());
    }
  };
  await Promise.all(Array.from({ length: concurrency }, send));
  return { acceptedAt, acceptLatencyMs, seconds: (Date.now() - start) / 1000 };
}
