import { spawn, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import path from 'node:path';
import type { Registry } from 'prom-client';
import { CallLog } from '../../db/models/call-log';
import { Campaign } from '../../db/models/campaign';
import { callRecordMetrics } from '../../lib/business-metrics/call-records';
import { dialRequestMetrics } from '../../lib/business-metrics/dial-requests';
import { outcomeWebhookDeliveryMetrics } from '../../lib/business-metrics/outcome-webhook-deliveries';
import { createStoredStateMetrics } from '../../lib/business-metrics/stored-state';
import { generateSecrets } from '../../lib/generated-secrets';
import { createLogger } from '../../lib/logger';
import { freePort } from '../../scripts/infra/free-port';
import { ROOT_DIR } from '../../scripts/infra/paths';
import { waitUntil } from '../../scripts/infra/wait-until';
import { boundPort, closeServer, createWorkerRegistry, serveWorkerMetrics } from '../../workers/worker-metrics';
import { startCallStack, type CallStack } from '../helpers/call-stack';
import { uniqueName } from '../helpers/temporal-test-env';
import { testDatabaseUri, testInfra } from '../helpers/test-infra';

/**
 * The workers' figures on the real stack: calls placed through the API are counted by the activities
 * that dial them and write their records, and each worker's endpoint serves them behind the metrics
 * token. The last test starts the Exotel worker's own entry point and scrapes both of its ports.
 */
jest.setTimeout(120_000);

const TOKEN = 'worker-metrics-test-token-0123456789';
let stack: CallStack;
let servers: Server[] = [];
let general: string;
let exotel: string;

/** Sum of the samples of `name` whose labels include `labels` (Prometheus text format). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) total += Number(match[4]);
  }
  return total;
}

async function scrape(url: string): Promise<string> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
}

async function serve(registry: Registry): Promise<string> {
  const server = await serveWorkerMetrics(registry, TOKEN, '127.0.0.1', 0);
  servers.push(server);
  return `http://127.0.0.1:${boundPort(server)}/metrics`;
}

beforeAll(async () => {
  stack = await startCallStack({ label: 'worker_metrics' });
  // As workers/main.ts and workers/exotel.ts build them; the stack's activities run in this process.
  general = await serve(createWorkerRegistry('worker', [...callRecordMetrics, ...outcomeWebhookDeliveryMetrics, ...createStoredStateMetrics(createLogger('worker', { level: 'silent' }))]));
  exotel = await serve(createWorkerRegistry('worker-exotel', dialRequestMetrics));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => closeServer(s)));
  servers = [];
  await stack?.stop();
});

async function placeAndFinish(phoneNumber: string, extra: Record<string, unknown> = {}): Promise<void> {
  const accepted = await stack.api().post('/api/v1/calls/outbound').send({ phoneNumber, agentId: stack.agentId, ringTimeoutSec: 5, ...extra });
  expect(accepted.status).toBe(202);
  await stack.env.client.workflow.getHandle(accepted.body.workflowId as string).result();
}

describe("the workers' metrics on the real stack", () => {
  it('count a placed call, a busy one retried once, their attempts, outcomes and latencies', async () => {
    const [generalBefore, exotelBefore] = await Promise.all([scrape(general), scrape(exotel)]);
    const suffix = String(process.pid % 1000).padStart(3, '0');
    // The simulator's scenario comes from the last digits: 000 answers, 001 is busy.
    await placeAndFinish(`+9197${suffix}11000`);
    await placeAndFinish(`+9197${suffix}12001`, { retryPolicy: { jitter: 0, rules: { busy: { maxRetries: 1, initialDelayMs: 200 } } } });
    const [after, exotelAfter] = await Promise.all([scrape(general), scrape(exotel)]);
    const grew = (before: string, now: string, name: string, labels: Record<string, string> = {}) => sample(now, name, labels) - sample(before, name, labels);

    expect(grew(exotelBefore, exotelAfter, 'ringline_dial_requests_total', { result: 'accepted', failure_reason: 'none', process: 'worker-exotel' })).toBe(3);
    expect(grew(generalBefore, after, 'ringline_call_attempts_ended_total', { status: 'completed', failure_reason: 'none' })).toBe(1);
    expect(grew(generalBefore, after, 'ringline_call_attempts_ended_total', { status: 'failed', failure_reason: 'busy' })).toBe(2);
    expect(grew(generalBefore, after, 'ringline_calls_finished_total', { status: 'completed', failure_reason: 'none' })).toBe(1);
    expect(grew(generalBefore, after, 'ringline_calls_finished_total', { status: 'failed', failure_reason: 'busy_max_retries' })).toBe(1);
    expect(grew(generalBefore, after, 'ringline_call_retries_scheduled_total', { failure_reason: 'busy' })).toBe(1);
    expect(grew(generalBefore, after, 'ringline_dial_delay_seconds_count')).toBe(3);
    expect(grew(generalBefore, after, 'ringline_status_callback_to_record_seconds_count', { event: 'terminal' })).toBe(3);

    // Read from the database at scrape time, at most every 10 s: the account's line book, every live phase.
    const account = stack.config.EXOTEL_ACCOUNT_SID;
    let stored = '';
    await waitUntil('the line book in the figures', async () => (stored = await scrape(general)).includes(`ringline_line_gate_active_calls{account="${account}"`), { timeoutMs: 30_000, intervalMs: 1_000 });
    expect(stored).toContain(`ringline_line_gate_active_calls{account="${account}",process="worker"} 0`);
    expect(stored).toContain(`ringline_line_gate_breaker_open{account="${account}",process="worker"} 0`);
    for (const phase of ['waiting_for_line', 'dialing', 'ringing', 'in_progress']) {
      expect(stored).toContain(`ringline_calls_in_phase{phase="${phase}",process="worker"} 0`);
      expect(stored).toContain(`ringline_calls_in_phase_oldest_unchanged_seconds{phase="${phase}",process="worker"} 0`);
    }
    expect(after).toContain('# TYPE ringline_outcome_webhook_deliveries_total counter');
    expect((await fetch(general)).status).toBe(401);
  });

  it("report a campaign's progress and how long the oldest ringing attempt has sat unchanged, from the database", async () => {
    const campaignId = uniqueName('batch_metrics');
    await Campaign.create({ _id: campaignId, name: 'metrics', source: 'json', status: 'running', workflowId: `campaign-${campaignId}`, progress: { total: 4, dispatched: 3, finished: 1, inFlight: 2, waiting: 0 } });
    // Written straight to the collection, as an attempt whose workflow stopped writing 15 minutes ago.
    const stale = new Date(Date.now() - 15 * 60_000);
    const callId = uniqueName('call_stale');
    await CallLog.collection.insertOne({ _id: callId as never, callId, attempt: 1, phoneNumber: '+919876500000', phoneLast4: '0000', agentId: stack.agentId, status: 'ringing', workflowId: `call-${callId}`, createdAt: stale, updatedAt: stale });
    let text = '';
    await waitUntil('the campaign in the figures', async () => (text = await scrape(general)).includes(`campaign_id="${campaignId}"`), { timeoutMs: 30_000, intervalMs: 1_000 });
    expect(sample(text, 'ringline_campaign_contacts', { campaign_id: campaignId, status: 'running', figure: 'total' })).toBe(4);
    expect(sample(text, 'ringline_campaign_contacts', { campaign_id: campaignId, figure: 'inFlight' })).toBe(2);
    expect(sample(text, 'ringline_calls_in_phase', { phase: 'ringing' })).toBe(1);
    expect(sample(text, 'ringline_calls_in_phase_oldest_unchanged_seconds', { phase: 'ringing' })).toBeGreaterThanOrEqual(15 * 60 - 5);
  });

  it("serve the Exotel worker's figures and its Temporal SDK's on their own ports when it runs as a process", async () => {
    const [port, sdkPort] = [await freePort(), await freePort()];
    const secrets = generateSecrets();
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'workers/exotel.ts')], {
      cwd: ROOT_DIR,
      env: {
        ...process.env,
        ...secrets,
        PAYLOAD_KEYS: testInfra().payloadKeys,
        TEMPORAL_ADDRESS: testInfra().temporalAddress,
        MONGODB_URI: testDatabaseUri('worker_metrics_process'),
        TEMPORAL_EXOTEL_TASK_QUEUE: uniqueName('rl-exotel-metrics'),
        METRICS_TOKEN: TOKEN,
        EXOTEL_WORKER_METRICS_PORT: String(port),
        EXOTEL_WORKER_SDK_METRICS_PORT: String(sdkPort),
        LOG_LEVEL: 'silent',
      },
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      const answers = async (url: string, init?: RequestInit) => (await fetch(url, init).catch(() => null))?.status === 200;
      await waitUntil('the Exotel worker to serve its metrics', () => answers(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } }), { timeoutMs: 60_000, intervalMs: 250 });
      const own = await scrape(`http://127.0.0.1:${port}/metrics`);
      expect(own).toContain('# TYPE ringline_dial_requests_total counter');
      expect(own).toContain('nodejs_heap_size_used_bytes{process="worker-exotel"}');
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
      // The SDK reports its figures once its worker polls; the exporter itself answers at once.
      await waitUntil('the Temporal SDK figures', async () => (await (await fetch(`http://127.0.0.1:${sdkPort}/metrics`)).text()).includes('temporal_'), { timeoutMs: 30_000, intervalMs: 500 });
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
