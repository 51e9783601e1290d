import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createApp } from '../api/app';
import { createGeneralActivities } from '../activities';
import { createExotelActivities } from '../activities/exotel';
import { ExotelApi } from '../activities/exotel-api';
import { connectDatabase, disconnectDatabase, pingDatabase } from '../db/connection';
import { Agent } from '../db/models/agent';
import { CallLog } from '../db/models/call-log';
import { parseConfig, type Config } from '../domain/config';
import { createLogger } from '../lib/logger';
import { createMetricsRegistry } from '../lib/metrics';
import { startFerretDb, waitForMongo } from '../scripts/infra/ferretdb';
import { freePort } from '../scripts/infra/free-port';
import type { ManagedProcess } from '../scripts/infra/managed-process';
import { startTemporalDevServer, waitForTemporal } from '../scripts/infra/temporal-dev-server';
import { createExotelSimulator } from '../sim/exotel/simulator';
import { callWorkflowId, lineGateStatusQuery, lineGateWorkflowId } from '../workflows/messages';
import { percentile, printFigure, rate } from './figures';

/**
 * `npm run bench:orchestration -- --calls N`: N calls through the API → Temporal → the Exotel
 * simulator with instant outcomes (the callee is busy at once and the policy does not retry), twice:
 *   (a) unlimited: Exotel's rate limit lifted on both sides — Ringline's own capacity;
 *   (b) limited: the real 200 requests/min — the dial rate must sit at the limit with no 429.
 * Everything runs on this machine: a headless in-memory Temporal dev server, FerretDB, the simulator,
 * and the API and workers in this process.
 */
const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '1000' },
    'limited-calls': { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '64' },
    'skip-limited': { type: 'boolean', default: false },
  },
});

const quiet = createLogger('bench', { level: 'silent' });

interface RunResult {
  name: string;
  calls: number;
  acceptedPerSec: number;
  dialsPerSec: number;
  acceptP50Ms: number;
  acceptP99Ms: number;
  dialP50Ms: number;
  dialP99Ms: number;
  webhookToStateP50Ms: number;
  webhookToStateP99Ms: number;
  gatePermitsPerSec: number;
  rateLimited: number;
  wallSec: number;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const silent = () => undefined;
  const temporalPort = await freePort();
  const mongoPort = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ringline-bench-'));
  const infra: ManagedProcess[] = [
    startTemporalDevServer({ port: temporalPort, namespace: 'default', output: silent }),
    startFerretDb({ port: mongoPort, debugPort: await freePort(), dataDir, output: silent }),
  ];
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const mongoUri = `mongodb://127.0.0.1:${mongoPort}/ringline_bench`;
  try {
    await Promise.all([waitForTemporal(temporalAddress, 'default'), waitForMongo(mongoUri)]);
    await connectDatabase(mongoUri);
    const connection = await Connection.connect({ address: temporalAddress });
    const client = new Client({ connection });
    const nativeConnection = await NativeConnection.connect({ address: temporalAddress });

    const results: RunResult[] = [];
    results.push(await run('unlimited', Number(args.calls), { client, nativeConnection, temporalAddress, mongoUri, limitPerMinute: 0 }));
    if (!args['skip-limited']) {
      results.push(await run('limited-200rpm', Number(args['limited-calls']), { client, nativeConnection, temporalAddress, mongoUri, limitPerMinute: 200 }));
    }

    process.stdout.write('\nrun               calls  accepted/s  dials/s  accept p50/p99 ms  202→dial p50/p99 ms  webhook→state p50/p99 ms  permits/s  429s\n');
    for (const r of results) {
      process.stdout.write(
        `${r.name.padEnd(17)} ${String(r.calls).padStart(5)}  ${r.acceptedPerSec.toFixed(1).padStart(10)}  ${r.dialsPerSec.toFixed(2).padStart(7)}  ` +
          `${`${r.acceptP50Ms.toFixed(0)}/${r.acceptP99Ms.toFixed(0)}`.padStart(17)}  ${`${r.dialP50Ms.toFixed(0)}/${r.dialP99Ms.toFixed(0)}`.padStart(19)}  ` +
          `${`${r.webhookToStateP50Ms.toFixed(0)}/${r.webhookToStateP99Ms.toFixed(0)}`.padStart(24)}  ${r.gatePermitsPerSec.toFixed(1).padStart(9)}  ${String(r.rateLimited).padStart(4)}\n`,
      );
    }
    const unlimited = results[0];
    const limited = results[1];
    const summary = {
      initiationsPerSec: round(unlimited.dialsPerSec),
      acceptedPerSec: round(unlimited.acceptedPerSec),
      acceptP99Ms: round(unlimited.acceptP99Ms),
      dialP99Ms: round(unlimited.dialP99Ms),
      webhookToStateP99Ms: round(unlimited.webhookToStateP99Ms),
      gatePermitsPerSec: round(unlimited.gatePermitsPerSec),
      ...(limited
        ? {
            limitedDialsPerMin: round(limited.dialsPerSec * 60),
            limitedRatioToLimit: round((limited.dialsPerSec * 60) / 200, 3),
            limited429s: limited.rateLimited,
          }
        : {}),
    };
    process.stdout.write(`SUMMARY ${JSON.stringify(summary)}\n`);
    await nativeConnection.close();
    await connection.close();
    await disconnectDatabase();
  } finally {
    await Promise.all(infra.map((p) => p.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function run(
  name: string,
  calls: number,
  deps: { client: Client; nativeConnection: NativeConnection; temporalAddress: string; mongoUri: string; limitPerMinute: number },
): Promise<RunResult> {
  process.stderr.write(`\n▸ ${name}: ${calls} calls\n`);
  const account = `bench-${name}`;
  const sim = createExotelSimulator({
    logger: quiet,
    accountSid: account,
    rateLimitPerMinute: deps.limitPerMinute,
    queuedMs: 0,
    ringMs: 0,
    callbackDelayMs: 0,
  });
  await sim.start(0);
  const apiPort = await freePort();
  const config: Config = parseConfig({
    TEMPORAL_ADDRESS: deps.temporalAddress,
    MONGODB_URI: deps.mongoUri,
    PUBLIC_API_URL: `http://127.0.0.1:${apiPort}`,
    EXOTEL_BASE_URL: sim.baseUrl,
    EXOTEL_ACCOUNT_SID: account,
    EXOTEL_RATE_LIMIT_PER_MINUTE: String(deps.limitPerMinute || 1_000_000),
    MAX_CONCURRENT_CALLS: '100000',
    MAX_WAITING_CALLS: '1000000',
    TEMPORAL_TASK_QUEUE: `bench-${name}`,
    TEMPORAL_EXOTEL_TASK_QUEUE: `bench-exotel-${name}`,
    TEMPORAL_GATE_TASK_QUEUE: `bench-gate-${name}`,
    LOG_LEVEL: 'silent',
  });
  const app = createApp({
    logger: quiet,
    metrics: createMetricsRegistry('bench'),
    health: { temporal: async () => true, database: () => pingDatabase() },
    temporal: deps.client,
    config,
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(apiPort, '127.0.0.1', () => resolve(s));
  });
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: new DefaultLogger('ERROR') });
  const general = await Worker.create({
    connection: deps.nativeConnection,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundle,
    activities: createGeneralActivities(deps.client, config),
    maxConcurrentWorkflowTaskExecutions: 200,
    maxConcurrentActivityTaskExecutions: 400,
  });
  const exotel = await Worker.create({
    connection: deps.nativeConnection,
    taskQueue: config.TEMPORAL_EXOTEL_TASK_QUEUE,
    activities: createExotelActivities(
      new ExotelApi({ baseUrl: sim.baseUrl, accountSid: account, apiKey: config.EXOTEL_API_KEY, apiToken: config.EXOTEL_API_TOKEN, timeoutMs: 10_000 }),
      config,
    ),
    maxTaskQueueActivitiesPerSecond: config.EXOTEL_RATE_LIMIT_PER_MINUTE / 60,
    maxConcurrentActivityTaskExecutions: 200,
  });
  const gateWorker = await Worker.create({
    connection: deps.nativeConnection,
    taskQueue: config.TEMPORAL_GATE_TASK_QUEUE,
    workflowBundle,
  });
  const running = [general.run(), exotel.run(), gateWorker.run()];
  const agentId = `agent_bench_${name}`;
  await Agent.updateOne(
    { _id: agentId },
    { $setOnInsert: { name: 'Bench agent', prompt: 'Benchmark.', greeting: 'Hello.', maxCallDurationSec: 60 } },
    { upsert: true },
  );

  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const acceptedAt = new Map<string, number>();
  const acceptLatency: number[] = [];
  const start = Date.now();
  let next = 0;
  const send = async () => {
    while (next < calls) {
      const i = next++;
      const phone = `+9190${String(i).padStart(5, '0')}001`;
      const t0 = performance.now();
      const res = await fetch(`${apiUrl}/api/v1/calls/outbound`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phoneNumber: phone, agentId, retryPolicy: { rules: { busy: { maxRetries: 0 } } } }),
      });
      const body = (await res.json()) as { callLogId?: string; error?: unknown };
      if (res.status !== 202 || !body.callLogId) throw new Error(`call ${i} not accepted: ${res.status} ${JSON.stringify(body)}`);
      acceptLatency.push(performance.now() - t0);
      acceptedAt.set(body.callLogId, Date.now());
    }
  };
  await Promise.all(Array.from({ length: Number(args.concurrency) }, send));
  const acceptedSec = (Date.now() - start) / 1000;
  process.stderr.write(`  accepted ${calls} in ${acceptedSec.toFixed(1)} s; waiting for every call to finish…\n`);

  const gateSamples: { at: number; grants: number }[] = [];
  const gate = deps.client.workflow.getHandle(lineGateWorkflowId(account));
  for (;;) {
    const done = await CallLog.countDocuments({ agentId, finalStatus: { $ne: null } });
    const status = await gate.query(lineGateStatusQuery).catch(() => undefined);
    if (status) gateSamples.push({ at: Date.now(), grants: status.grantsTotal });
    if (done >= calls) break;
    await new Promise((r) => setTimeout(r, 500));
    process.stderr.write(`  ${done}/${calls} finished\r`);
  }
  const wallSec = (Date.now() - start) / 1000;

  const simCalls = ((await (await fetch(`${sim.baseUrl}/sim/calls`)).json()) as { calls: { createdAt: string; customField: string | null; sid: string }[] }).calls;
  const stats = (await (await fetch(`${sim.baseUrl}/sim/stats`)).json()) as { rateLimited: number; totalDials: number };
  const dialTimes = simCalls.map((c) => Date.parse(c.createdAt)).sort((a, b) => a - b);
  const dialLatency = simCalls
    .map((c) => {
      const callId = c.customField?.split(':')[0];
      const accepted = callId ? acceptedAt.get(callId) : undefined;
      return accepted === undefined ? undefined : Date.parse(c.createdAt) - accepted;
    })
    .filter((v): v is number => v !== undefined);

  const { webhookToState, stages } = await sampleHistories(deps.client, sim.baseUrl, simCalls.slice(0, 200));
  for (const [stage, values] of Object.entries(stages)) {
    printFigure(`orchestration.${name}.stage.${stage}.p50Ms`, percentile(values, 50));
    printFigure(`orchestration.${name}.stage.${stage}.p99Ms`, percentile(values, 99));
  }

  const firstGrant = gateSamples.find((s) => s.grants > 0);
  const lastGrant = gateSamples[gateSamples.length - 1];
  const gatePermitsPerSec =
    firstGrant && lastGrant && lastGrant.at > firstGrant.at ? (lastGrant.grants - firstGrant.grants) / ((lastGrant.at - firstGrant.at) / 1000) : 0;

  for (const w of [general, exotel, gateWorker]) w.shutdown();
  await Promise.all(running);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await sim.stop();

  const result: RunResult = {
    name,
    calls,
    acceptedPerSec: calls / acceptedSec,
    dialsPerSec: rate(dialTimes),
    acceptP50Ms: percentile(acceptLatency, 50),
    acceptP99Ms: percentile(acceptLatency, 99),
    dialP50Ms: percentile(dialLatency, 50),
    dialP99Ms: percentile(dialLatency, 99),
    webhookToStateP50Ms: percentile(webhookToState, 50),
    webhookToStateP99Ms: percentile(webhookToState, 99),
    gatePermitsPerSec,
    rateLimited: stats.rateLimited,
    wallSec,
  };
  for (const [figure, value] of Object.entries(result)) if (figure !== 'name') printFigure(`orchestration.${name}.${figure}`, value as number);
  return result;
}

/**
 * Read from the workflows' own histories: webhook → state is from the simulator sending the terminal
 * status callback to the call workflow having acted on it (the workflow task after the signal
 * completed). The stages show where a call's time goes between its start and its dial.
 */
async function sampleHistories(
  client: Client,
  simUrl: string,
  calls: { sid: string; customField: string | null }[],
): Promise<{ webhookToState: number[]; stages: Record<string, number[]> }> {
  const webhookToState: number[] = [];
  const stages: Record<string, number[]> = { startToLineRequested: [], lineAcquired: [], lineToDialScheduled: [], dialQueued: [], dialRun: [] };
  const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
    t ? Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : NaN;
  for (const call of calls) {
    const callId = call.customField?.split(':')[0];
    if (!callId) continue;
    const detail = (await (await fetch(`${simUrl}/sim/calls/${call.sid}`)).json()) as { callbacks: { event: string; at: string; outcome: string }[] };
    const history = await client.workflow.getHandle(callWorkflowId(callId)).fetchHistory();
    const events = history.events ?? [];
    const startedAt = ms(events[0]?.eventTime);
    const scheduled = (name: string) => events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === name);
    const following = (event: (typeof events)[number] | undefined, kind: 'activityTaskStartedEventAttributes' | 'activityTaskCompletedEventAttributes') =>
      event ? events.find((e) => e[kind] && String(e[kind]?.scheduledEventId) === String(event.eventId)) : undefined;
    const lineRequest = scheduled('requestLine');
    const lineAnswered = following(lineRequest, 'activityTaskCompletedEventAttributes');
    const lateGrant = events.find((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'lineGranted');
    const lineAt = lateGrant ? ms(lateGrant.eventTime) : ms(lineAnswered?.eventTime);
    const dial = scheduled('dialAttempt');
    const dialStarted = following(dial, 'activityTaskStartedEventAttributes');
    const dialCompleted = following(dial, 'activityTaskCompletedEventAttributes');
    if (lineRequest) stages.startToLineRequested.push(ms(lineRequest.eventTime) - startedAt);
    if (lineRequest && Number.isFinite(lineAt)) stages.lineAcquired.push(lineAt - ms(lineRequest.eventTime));
    if (dial && Number.isFinite(lineAt)) stages.lineToDialScheduled.push(ms(dial.eventTime) - lineAt);
    if (dial && dialStarted) stages.dialQueued.push(ms(dialStarted.eventTime) - ms(dial.eventTime));
    if (dialStarted && dialCompleted) stages.dialRun.push(ms(dialCompleted.eventTime) - ms(dialStarted.eventTime));

    const sent = detail.callbacks.find((c) => c.event === 'terminal' && c.outcome === 'delivered');
    const signaled = events.findIndex((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'exotelStatus');
    const acted = events.slice(signaled + 1).find((e) => e.workflowTaskCompletedEventAttributes);
    if (sent && signaled >= 0 && acted) webhookToState.push(ms(acted.eventTime) - Date.parse(sent.at));
  }
  return { webhookToState, stages };
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
