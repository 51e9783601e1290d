import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import request from 'supertest';
import { API_OPERATIONS } from '../../api/openapi/api-operations';
import { errorAnswerSchema } from '../../domain/api-schemas/common';
import { OPENAPI_FILE } from '../../scripts/openapi-file';
import { startCallStack, type CallStack } from '../helpers/call-stack';

/**
 * The OpenAPI document against the real stack: the served document is the committed one, and what the
 * routes really answer is exactly what their registered schemas say (docs/api.md's examples are checked
 * against the same schemas by test/unit/openapi-document.test.ts, so this ties them to the API's answers).
 */

let stack: CallStack;
let receiver: Server;
let receiverUrl: string;
let numberSeq = 0;

/** A number of this process's own, so reruns against one database never meet each other's rows. */
function number(): string {
  numberSeq += 1;
  return `+9196${String(process.pid % 1000).padStart(3, '0')}${String(numberSeq).padStart(2, '0')}321`;
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  stack = await startCallStack({ label: 'openapi', config: { OUTCOME_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', OUTCOME_WEBHOOK_ALLOW_HTTP: 'true' } });
});

afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

const api = () => stack.api();

/**
 * The route's answer is one its registry entry lists for that status (the error envelope for 4xx/5xx),
 * and the schema describes every field of it: zod drops fields a schema lacks, so the parsed answer
 * equals the real one only when nothing was dropped.
 */
function expectDescribed(key: string, res: { status: number; body: unknown }): void {
  const operation = API_OPERATIONS[key];
  if (!operation) throw new Error(`${key} is not in api/openapi/api-operations.ts`);
  const listed = operation.answers[res.status] ?? (res.status >= 400 ? errorAnswerSchema : undefined);
  const answer = listed !== undefined && listed !== 'no content' && 'csv' in listed ? listed.json : listed;
  if (answer === undefined || answer === 'no content' || 'events' in answer) {
    throw new Error(`${key} answered ${res.status}, which api-operations.ts does not list as JSON: ${JSON.stringify(res.body)}`);
  }
  const parsed = answer.safeParse(res.body);
  if (!parsed.success) throw new Error(`${key} ${res.status}: ${JSON.stringify(parsed.error.issues, null, 2)}\nanswer: ${JSON.stringify(res.body, null, 2)}`);
  expect({ key, status: res.status, answer: parsed.data }).toEqual({ key, status: res.status, answer: res.body });
}

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms; last seen ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('GET /api/v1/openapi.json', () => {
  it('answers without a key with the OpenAPI 3.1 document committed as docs/openapi.json', async () => {
    const res = await request(stack.apiUrl).get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body).toEqual(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')));
    expectDescribed('GET /api/v1/openapi.json', res);
  });
});

describe('what the routes answer is what their schemas describe', () => {
  it('health', async () => {
    expectDescribed('GET /health', await request(stack.apiUrl).get('/health'));
    expectDescribed('GET /health', await api().get('/health'));
  });

  it('keys and the audit trail', async () => {
    const created = await api()
      .post('/api/v1/keys')
      .send({ role: 'api_client', name: 'billing system', expiresAt: '2030-06-30T00:00:00Z', rateLimit: { perMinute: 30, burst: 40, perHour: 500 } });
    expect(created.status).toBe(201);
    expectDescribed('POST /api/v1/keys', created);
    const agentKey = await api().post('/api/v1/keys').send({ role: 'agent', agentIds: [stack.agentId] });
    expectDescribed('POST /api/v1/keys', agentKey);
    expectDescribed('GET /api/v1/keys', await api().get('/api/v1/keys'));
    const revoked = await api().post(`/api/v1/keys/${created.body.id}/revoke`);
    expect(revoked.status).toBe(200);
    expectDescribed('POST /api/v1/keys/:keyId/revoke', revoked);
    expectDescribed('POST /api/v1/keys/:keyId/revoke', await api().post('/api/v1/keys/key_0000000000000000/revoke'));
    const audit = await api().get('/api/v1/audit').query({ limit: 5 });
    expect(audit.body.total).toBeGreaterThan(0);
    expectDescribed('GET /api/v1/audit', audit);
  });

  it('agents', async () => {
    const created = await api()
      .post('/api/v1/agents')
      .send({ name: 'Payment reminder', prompt: 'You remind customers politely about a due payment.', greeting: 'Hello! This is Asha from Acme Finance.', maxCallDurationSec: 300 });
    expect(created.status).toBe(201);
    expectDescribed('POST /api/v1/agents', created);
    const id = created.body.id as string;
    expectDescribed('GET /api/v1/agents', await api().get('/api/v1/agents').query({ page: 1, limit: 20 }));
    expectDescribed('GET /api/v1/agents/:agentId', await api().get(`/api/v1/agents/${id}`));
    expectDescribed('PATCH /api/v1/agents/:agentId', await api().patch(`/api/v1/agents/${id}`).send({ voice: 'aura-2-thalia-en', voicemailThreshold: 0.8 }));
    expectDescribed('DELETE /api/v1/agents/:agentId', await api().delete(`/api/v1/agents/${id}`));
    expectDescribed('GET /api/v1/agents/:agentId', await api().get('/api/v1/agents/agent_nobody'));
  });

  it('calls: placing, reading, listing, recording, cancelling, stats', async () => {
    const placed = await api().post('/api/v1/calls/outbound').send({ phoneNumber: number(), agentId: stack.agentId, ringTimeoutSec: 5, record: true, metadata: { orderId: '1234' } });
    expect(placed.status).toBe(202);
    expectDescribed('POST /api/v1/calls/outbound', placed);
    const callLogId = placed.body.callLogId as string;
    const live = await api().get(`/api/v1/calls/${callLogId}`);
    expectDescribed('GET /api/v1/calls/:callLogId', live);
    const done = await until('the call completes', () => api().get(`/api/v1/calls/${callLogId}`), (res) => res.body.status === 'completed');
    expectDescribed('GET /api/v1/calls/:callLogId', done);
    const recording = await until('the recording is stored', () => api().get(`/api/v1/calls/${callLogId}/recording`), (res) => res.status === 200);
    expectDescribed('GET /api/v1/calls/:callLogId/recording', recording);
    expectDescribed('GET /api/v1/calls', await api().get('/api/v1/calls').query({ agentId: stack.agentId, limit: 5 }));
    expectDescribed('GET /api/v1/calls/outbound/stats', await api().get('/api/v1/calls/outbound/stats'));

    const later = DateTime.now().plus({ hours: 2 }).toUTC().toISO();
    const booked = await api().post('/api/v1/calls/outbound').send({ phoneNumber: number(), agentId: stack.agentId, scheduledFor: later });
    expect(booked.status).toBe(202);
    expectDescribed('POST /api/v1/calls/outbound', booked);
    const cancelled = await api().post(`/api/v1/calls/${booked.body.callLogId}/cancel`).send({ reason: 'customer paid' });
    expect(cancelled.status).toBe(202);
    expectDescribed('POST /api/v1/calls/:callLogId/cancel', cancelled);
    expectDescribed('POST /api/v1/calls/:callLogId/cancel', await api().post('/api/v1/calls/call_nobody/cancel').send({}));
  });

  it('scheduled calls', async () => {
    const tomorrow = DateTime.now().setZone('Asia/Kolkata').plus({ days: 1 }).toISODate();
    const booked = await api()
      .post('/api/v1/calls/outbound/schedule')
      .send({
        phoneNumber: number(),
        agentId: stack.agentId,
        scheduledFor: `${tomorrow}T18:00:00`,
        timezone: 'Asia/Kolkata',
        respectBusinessHours: true,
        businessHours: { start: '10:00', end: '17:00', daysOfWeek: [0, 1, 2, 3, 4, 5, 6] },
        metadata: { orderId: '1234' },
      });
    expect(booked.status).toBe(201);
    expectDescribed('POST /api/v1/calls/outbound/schedule', booked);
    const scheduleId = booked.body.scheduleId as string;
    expectDescribed('GET /api/v1/calls/scheduled', await api().get('/api/v1/calls/scheduled').query({ status: 'pending', agentId: stack.agentId }));
    expectDescribed('GET /api/v1/calls/scheduled/:scheduleId', await api().get(`/api/v1/calls/scheduled/${scheduleId}`));
    const moved = await api().post(`/api/v1/calls/scheduled/${scheduleId}/reschedule`).send({ scheduledFor: `${tomorrow}T12:00:00` });
    expect(moved.status).toBe(200);
    expectDescribed('POST /api/v1/calls/scheduled/:scheduleId/reschedule', moved);
    const cancelled = await api().post(`/api/v1/calls/scheduled/${scheduleId}/cancel`).send({ reason: 'customer paid' });
    expect(cancelled.status).toBe(202);
    expectDescribed('POST /api/v1/calls/scheduled/:scheduleId/cancel', cancelled);
    expectDescribed('GET /api/v1/calls/scheduled/:scheduleId', await api().get('/api/v1/calls/scheduled/call_nobody'));
  });

  it('series', async () => {
    const start = DateTime.now().setZone('Asia/Kolkata').plus({ days: 1 }).toISODate();
    const created = await api()
      .post('/api/v1/series')
      .send({
        phoneNumber: number(),
        agentId: stack.agentId,
        frequency: 'weekly',
        daysOfWeek: [1, 2, 3, 4, 5],
        startDate: start,
        timeOfDay: '10:00',
        timezone: 'Asia/Kolkata',
        maxOccurrences: 50,
        metadata: { loanId: '42' },
      });
    expect(created.status).toBe(201);
    expectDescribed('POST /api/v1/series', created);
    const seriesId = created.body.seriesId as string;
    expectDescribed('GET /api/v1/series', await api().get('/api/v1/series').query({ status: 'active', agentId: stack.agentId }));
    expectDescribed('GET /api/v1/series/:seriesId', await api().get(`/api/v1/series/${seriesId}`));
    for (const action of ['skip', 'pause', 'resume', 'cancel']) {
      const res = await api().post(`/api/v1/series/${seriesId}/${action}`);
      expect({ action, status: res.status }).toEqual({ action, status: 200 });
      expectDescribed('POST /api/v1/series/:seriesId/:action', res);
    }
    expectDescribed('GET /api/v1/series/:seriesId', await api().get(`/api/v1/series/${seriesId}`));
  });

  it('campaigns and CSV imports', async () => {
    const later = DateTime.now().plus({ days: 1 }).toUTC().toISO();
    const bulk = await api()
      .post('/api/v1/calls/outbound/bulk')
      .send({
        name: 'November reminders',
        agentId: stack.agentId,
        scheduledFor: later,
        throttle: { maxConcurrent: 5, delayBetweenCalls: 1000 },
        calls: [{ phoneNumber: number(), variables: { customer_name: 'Asha Rao' } }, { phoneNumber: '12345' }],
      });
    expect(bulk.status).toBe(202);
    expectDescribed('POST /api/v1/calls/outbound/bulk', bulk);
    const batchId = bulk.body.batchId as string;

    const csv = `phone_number,customer_name\n${number()},Asha Rao\n${number()},Ravi\n12345,Bad\n`;
    const text = (path: string) => api().post(path).set('content-type', 'text/csv').send(csv);
    expectDescribed('POST /api/v1/bulk/import/validate', await text(`/api/v1/bulk/import/validate?agentId=${stack.agentId}`));
    expectDescribed('POST /api/v1/bulk/import/parse', await text(`/api/v1/bulk/import/parse?agentId=${stack.agentId}&previewRows=2`));
    const processed = await text(`/api/v1/bulk/import/process?agentId=${stack.agentId}&name=CSV%20campaign&scheduledFor=${encodeURIComponent(later)}`);
    expect(processed.status).toBe(202);
    expectDescribed('POST /api/v1/bulk/import/process', processed);
    expectDescribed('GET /api/v1/bulk/template', await api().get('/api/v1/bulk/template').query({ format: 'json' }));

    expectDescribed('GET /api/v1/bulk/batches', await api().get('/api/v1/bulk/batches'));
    const stats = await api().get('/api/v1/bulk/stats');
    expectDescribed('GET /api/v1/bulk/stats', stats);
    expect(stats.body).toEqual({ campaigns: { total: 2, byStatus: { scheduled: 2 } }, contacts: { total: 3, byStatus: { pending: 3 } } });
    expectDescribed('GET /api/v1/bulk/batches/:batchId', await api().get(`/api/v1/bulk/batches/${batchId}`));
    expectDescribed('GET /api/v1/bulk/batches/:batchId/contacts', await api().get(`/api/v1/bulk/batches/${batchId}/contacts`));
    const exported = await api().get(`/api/v1/bulk/batches/${batchId}/contacts/export`);
    expect({ status: exported.status, type: exported.type }).toEqual({ status: 200, type: 'text/csv' });
    for (const action of ['pause', 'resume', 'cancel']) {
      const res = await api().post(`/api/v1/bulk/batches/${batchId}/${action}`);
      expect({ action, status: res.status }).toEqual({ action, status: 200 });
      expectDescribed('POST /api/v1/bulk/batches/:batchId/:action', res);
    }
    expectDescribed('GET /api/v1/bulk/batches/:batchId', await api().get(`/api/v1/bulk/batches/${batchId}`));
  });

  it('analytics', async () => {
    for (const report of ['dashboard', 'calls', 'retry', 'scheduling', 'voicemail', 'performance', 'cost', 'trends']) {
      const res = await api().get(`/api/v1/analytics/${report}`);
      expect({ report, status: res.status }).toEqual({ report, status: 200 });
      expectDescribed(`GET /api/v1/analytics/${report}`, res);
    }
  });

  it('outcome webhooks', async () => {
    const first = await api().put('/api/v1/webhook-settings').send({ url: receiverUrl, enabled: true });
    expect(first.status).toBe(201);
    expectDescribed('PUT /api/v1/webhook-settings', first);
    expectDescribed('PUT /api/v1/webhook-settings', await api().put('/api/v1/webhook-settings').send({ url: receiverUrl, enabled: true }));
    expectDescribed('GET /api/v1/webhook-settings', await api().get('/api/v1/webhook-settings'));
    const rotated = await api().post('/api/v1/webhook-settings/rotate-secret').send({ currentSecretPrefix: first.body.secretPrefix });
    expect(rotated.status).toBe(200);
    expectDescribed('POST /api/v1/webhook-settings/rotate-secret', rotated);
    expectDescribed('POST /api/v1/webhook-settings/rotate-secret', await api().post('/api/v1/webhook-settings/rotate-secret').send({ currentSecretPrefix: first.body.secretPrefix }));

    // Its own callbackUrl: the workers read the organization's default at most every 5 s, and an earlier test's call read it unset.
    const placed = await api().post('/api/v1/calls/outbound').send({ phoneNumber: number(), agentId: stack.agentId, ringTimeoutSec: 5, callbackUrl: receiverUrl });
    expect(placed.status).toBe(202);
    const callLogId = placed.body.callLogId as string;
    const attempts = await until('the outcome webhook is delivered', () => api().get(`/api/v1/calls/${callLogId}/webhooks`), (res) => res.body.data?.length > 0);
    expectDescribed('GET /api/v1/calls/:callLogId/webhooks', attempts);
    expectDescribed('GET /api/v1/webhook-deliveries', await api().get('/api/v1/webhook-deliveries').query({ status: 'delivered' }));
  });

  it('the do-not-call list and erasure', async () => {
    const listed = number();
    const added = await api().post('/api/v1/do-not-call').send({ phoneNumber: listed, reason: 'asked not to be called' });
    expect(added.status).toBe(201);
    expectDescribed('POST /api/v1/do-not-call', added);
    expectDescribed('POST /api/v1/do-not-call', await api().post('/api/v1/do-not-call').send({ phoneNumber: listed }));
    const imported = await api().post('/api/v1/do-not-call/import').set('content-type', 'text/csv').send(`phone_number,reason\n${number()},complaint\n${listed},\nnot-a-number,\n`);
    expect(imported.status).toBe(200);
    expectDescribed('POST /api/v1/do-not-call/import', imported);
    expectDescribed('GET /api/v1/do-not-call', await api().get('/api/v1/do-not-call'));
    expectDescribed('POST /api/v1/calls/outbound', await api().post('/api/v1/calls/outbound').send({ phoneNumber: listed, agentId: stack.agentId }));

    const removed = await api().delete(`/api/v1/do-not-call/${encodeURIComponent(listed)}`);
    expect({ status: removed.status, body: removed.text }).toEqual({ status: 204, body: '' });
    expectDescribed('DELETE /api/v1/do-not-call/:phoneNumber', await api().delete(`/api/v1/do-not-call/${encodeURIComponent(listed)}`));

    const erased = await api().delete(`/api/v1/phone-numbers/${encodeURIComponent(listed)}`);
    expect(erased.status).toBe(200);
    expectDescribed('DELETE /api/v1/phone-numbers/:phoneNumber', erased);
  });
});
