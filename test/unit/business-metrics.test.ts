import { Registry } from 'prom-client';
import { FAILURE_REASONS, failureReasonLabel } from '../../domain/failure-reason';
import { parseConfig } from '../../domain/config';
import { generateSecrets } from '../../lib/generated-secrets';
import {
  callRecordMetrics,
  countAttemptEnded,
  countCallFinished,
  countRetryScheduled,
  observeDialDelay,
  observeStatusCallbackToRecord,
} from '../../lib/business-metrics/call-records';
import { countDialRequest, dialRequestMetrics } from '../../lib/business-metrics/dial-requests';
import { countOutcomeWebhookDelivery, outcomeWebhookDeliveryMetrics } from '../../lib/business-metrics/outcome-webhook-deliveries';
import { boundPort, closeServer, createWorkerRegistry, sdkBindAddress, serveWorkerMetrics, workerMetricsAddresses } from '../../workers/worker-metrics';

function registryOf(...metrics: Parameters<typeof createWorkerRegistry>[1]): Registry {
  const registry = new Registry();
  for (const metric of metrics) registry.registerMetric(metric);
  return registry;
}

/** A counter's value, or a histogram's `_count` / `_sum`, summed over the series with these labels. */
async function valueOf(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const values = (await registry.getMetricsAsJSON()).flatMap((m) => m.values.map((v) => ({ ...v, name: (v as { metricName?: string }).metricName ?? m.name })));
  const matching = values.filter((v) => v.name === name && Object.entries(labels).every(([key, value]) => v.labels[key] === value));
  return matching.reduce((sum, v) => sum + v.value, 0);
}

describe('failureReasonLabel', () => {
  it.each<[string | null | undefined, string]>([
    [null, 'none'],
    [undefined, 'none'],
    ['', 'none'],
    ['busy', 'busy'],
    ['no_answer_max_retries', 'no_answer_max_retries'],
    ['dnd', 'dnd'],
    ['a number +919876543210 was refused', 'other'],
    ['made_up_max_retries', 'other'],
  ])('%s → %s', (reason, label) => {
    expect(failureReasonLabel(reason)).toBe(label);
  });

  it('keeps every known reason as it is', () => {
    for (const reason of FAILURE_REASONS) expect(failureReasonLabel(reason)).toBe(reason);
  });
});

describe('the call record metrics', () => {
  const registry = registryOf(...callRecordMetrics);

  it('count attempts and calls by status and bounded reason, and retries by reason', async () => {
    const before = await valueOf(registry, 'ringline_call_attempts_ended_total', { status: 'failed', failure_reason: 'other' });
    countAttemptEnded('failed', 'something nobody planned');
    countAttemptEnded('completed', null);
    countCallFinished('failed', 'busy_max_retries');
    countRetryScheduled('busy');
    expect(await valueOf(registry, 'ringline_call_attempts_ended_total', { status: 'failed', failure_reason: 'other' })).toBe(before + 1);
    expect(await valueOf(registry, 'ringline_call_attempts_ended_total', { status: 'completed', failure_reason: 'none' })).toBeGreaterThanOrEqual(1);
    expect(await valueOf(registry, 'ringline_calls_finished_total', { status: 'failed', failure_reason: 'busy_max_retries' })).toBeGreaterThanOrEqual(1);
    expect(await valueOf(registry, 'ringline_call_retries_scheduled_total', { failure_reason: 'busy' })).toBeGreaterThanOrEqual(1);
  });

  it('observe spans in seconds, and drop one that runs backwards (two clocks)', async () => {
    const count = () => valueOf(registry, 'ringline_dial_delay_seconds_count');
    const sum = () => valueOf(registry, 'ringline_dial_delay_seconds_sum');
    const [countBefore, sumBefore] = [await count(), await sum()];
    observeDialDelay(new Date('2026-12-01T10:00:00.000Z'), new Date('2026-12-01T10:00:02.500Z'));
    observeDialDelay(new Date('2026-12-01T10:00:02.000Z'), new Date('2026-12-01T10:00:01.000Z'));
    expect(await count()).toBe(countBefore + 1);
    expect(await sum()).toBeCloseTo(sumBefore + 2.5);

    observeStatusCallbackToRecord('terminal', new Date(1_000), new Date(1_250));
    expect(await valueOf(registry, 'ringline_status_callback_to_record_seconds_count', { event: 'terminal' })).toBeGreaterThanOrEqual(1);
  });
});

describe('the dial request counter', () => {
  const registry = registryOf(...dialRequestMetrics);

  it('counts by result, with the reason of a rejection', async () => {
    countDialRequest({ outcome: 'accepted', callSid: 'a'.repeat(32) });
    countDialRequest({ outcome: 'rejected', reason: 'rate_limited', detail: '429' });
    countDialRequest({ outcome: 'unknown', detail: 'timeout' });
    expect(await valueOf(registry, 'ringline_dial_requests_total', { result: 'accepted', failure_reason: 'none' })).toBeGreaterThanOrEqual(1);
    expect(await valueOf(registry, 'ringline_dial_requests_total', { result: 'rejected', failure_reason: 'rate_limited' })).toBeGreaterThanOrEqual(1);
    expect(await valueOf(registry, 'ringline_dial_requests_total', { result: 'unknown', failure_reason: 'none' })).toBeGreaterThanOrEqual(1);
  });
});

describe('countOutcomeWebhookDelivery', () => {
  const registry = registryOf(...outcomeWebhookDeliveryMetrics);

  it('counts by event and result, and a malformed event name as other', async () => {
    countOutcomeWebhookDelivery('call.completed', 'delivered');
    countOutcomeWebhookDelivery('call.completed', 'failed');
    countOutcomeWebhookDelivery('Call Completed for +919876543210', 'gave_up');
    expect(await valueOf(registry, 'ringline_outcome_webhook_deliveries_total', { event: 'call.completed', result: 'delivered' })).toBe(1);
    expect(await valueOf(registry, 'ringline_outcome_webhook_deliveries_total', { event: 'call.completed', result: 'failed' })).toBe(1);
    expect(await valueOf(registry, 'ringline_outcome_webhook_deliveries_total', { event: 'other', result: 'gave_up' })).toBe(1);
  });
});

describe("a worker's metrics endpoint", () => {
  const config = (env: Record<string, string> = {}) => parseConfig({ ...generateSecrets(), ...env });

  it('is on the ports of its worker kind, and absent with METRICS_ENABLED=false', () => {
    expect(workerMetricsAddresses(config(), 'general')).toEqual({ host: '127.0.0.1', port: 9464, sdkPort: 9465 });
    expect(workerMetricsAddresses(config(), 'exotel')).toEqual({ host: '127.0.0.1', port: 9466, sdkPort: 9467 });
    expect(workerMetricsAddresses(config({ METRICS_ENABLED: 'false' }), 'general')).toBeNull();
    expect(sdkBindAddress({ host: '::1', port: 1, sdkPort: 9465 })).toBe('[::1]:9465');
  });

  it('answers the metrics token alone, 404 without one configured, and serves nothing but /metrics', async () => {
    const registry = createWorkerRegistry('worker-test', outcomeWebhookDeliveryMetrics);
    const token = 'worker-metrics-token-0123456789';
    const open = await serveWorkerMetrics(registry, token, '127.0.0.1', 0);
    const closed = await serveWorkerMetrics(registry, undefined, '127.0.0.1', 0);
    try {
      const url = (server: typeof open, path = '/metrics') => `http://127.0.0.1:${boundPort(server)}${path}`;
      const scraped = await fetch(url(open), { headers: { authorization: `Bearer ${token}` } });
      expect(scraped.status).toBe(200);
      const text = await scraped.text();
      expect(text).toContain('ringline_outcome_webhook_deliveries_total');
      expect(text).toContain('process_cpu_seconds_total{process="worker-test"}');
      expect((await fetch(url(open))).status).toBe(401);
      expect((await fetch(url(open), { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
      expect((await fetch(url(open, '/health'), { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
      expect((await fetch(url(closed), { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    } finally {
      await Promise.all([closeServer(open), closeServer(closed)]);
    }
  });
});
