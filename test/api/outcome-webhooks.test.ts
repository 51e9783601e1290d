import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../api/app';
import { createApiKey } from '../../lib/api-keys';
import { createLogger } from '../../lib/logger';
import { createMetricsRegistry } from '../../lib/metrics';
import { campaignCallId } from '../../domain/campaign-ids';
import { outcomeWebhooksWorkflowId } from '../../workflows/messages';
import { startCallStack, type CallStack } from '../helpers/call-stack';
import { saveRecordedHistories, type RecordedWorkflow } from '../helpers/recorded-histories';

/**
 * Outcome webhooks against the real stack: calls placed through the API run their real workflows, and
 * a receiver on loopback gets their events, signed, retried and in order.
 */

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  rawBody: string;
  event: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
}

/** The docs' own verification snippet (docs/webhooks.md), run as the receiver would. */
function docsVerifier(): (rawBody: string, header: string, secret: string) => boolean {
  const docs = readFileSync(path.join(__dirname, '../../docs/webhooks.md'), 'utf8');
  const block = /```js verify-ringline-signature\n([\s\S]*?)```/.exec(docs);
  if (!block) throw new Error('docs/webhooks.md has no verify-ringline-signature block');
  const loaded = { exports: {} as { verifyRinglineSignature?: (rawBody: string, header: string, secret: string) => boolean } };
  new Function('require', 'module', block[1])(require, loaded);
  if (!loaded.exports.verifyRinglineSignature) throw new Error('the snippet exports no verifyRinglineSignature');
  return loaded.exports.verifyRinglineSignature;
}

let stack: CallStack;
let receiver: Server;
let receiverUrl: string;
let secret: string;
const received: Received[] = [];
/** Per path: the statuses to answer, one per request, then 204; and a delay before answering the first. */
const behaviour = new Map<string, { statuses: number[]; firstDelayMs?: number }>();
const recorded: RecordedWorkflow[] = [];
let numberSeq = 0;

function number(suffix: string): string {
  numberSeq += 1;
  return `+9198${String(process.pid % 1000).padStart(3, '0')}${String(numberSeq).padStart(2, '0')}${suffix}`;
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const pathName = req.url ?? '/';
      received.push({ path: pathName, headers: req.headers, rawBody, event: JSON.parse(rawBody) as Received['event'] });
      const plan = behaviour.get(pathName);
      const status = plan?.statuses.shift() ?? 204;
      const delay = plan?.firstDelayMs ?? 0;
      if (plan) plan.firstDelayMs = 0;
      setTimeout(() => res.writeHead(status).end(), delay);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  stack = await startCallStack({
    label: 'outcome_webhooks',
    config: { OUTCOME_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', OUTCOME_WEBHOOK_ALLOW_HTTP: 'true' },
  });
  const created = await stack.api().put('/api/v1/webhook-settings').send({ url: null, enabled: false });
  expect(created.status).toBe(201);
  secret = created.body.signingSecret as string;
});

afterAll(async () => {
  if (stack) await saveRecordedHistories(stack.env.client, recorded);
  await stack?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

const eventsAt = (pathName: string) => received.filter((item) => item.path === pathName);

async function until<T>(read: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A call's delivery attempts through the API, once one is delivered: its row is written just after the receiver answered. */
async function deliveredAttempts(callId: string): Promise<{ eventId: string; attempt: number; status: string; statusCode: number | null }[]> {
  for (let tries = 0; ; tries += 1) {
    const res = await stack.api().get(`/api/v1/calls/${callId}/webhooks`);
    expect(res.status).toBe(200);
    expect(res.body.callLogId).toBe(callId);
    const rows = res.body.data as { eventId: string; attempt: number; status: string; statusCode: number | null }[];
    if (rows.some((row) => row.status === 'delivered') || tries >= 50) return rows;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function placeCall(callbackPath: string, body: Record<string, unknown> = {}): Promise<string> {
  const res = await stack.api()
    .post('/api/v1/calls/outbound')
    .send({ phoneNumber: number('000'), agentId: stack.agentId, ringTimeoutSec: 5, callbackUrl: `${receiverUrl}${callbackPath}`, ...body });
  expect(res.status).toBe(202);
  return res.body.callLogId as string;
}

describe('outcome webhooks of a call', () => {
  it('posts call.completed to the call\'s callbackUrl, signed so that the documented snippet verifies it', async () => {
    const callId = await placeCall('/completed', { metadata: { ticket: 'T-9' } });
    const [delivery] = await until(() => (eventsAt('/completed').length > 0 ? eventsAt('/completed') : undefined));
    expect(delivery.event).toEqual({
      id: expect.stringMatching(/^evt_[0-9a-f]{32}$/),
      type: 'call.completed',
      createdAt: expect.any(String),
      data: expect.objectContaining({ callId, callLogId: callId, attempt: 1, attempts: 1, status: 'completed', failureReason: null, metadata: { ticket: 'T-9' } }),
    });
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['ringline-event-id']).toBe(delivery.event.id);
    const signature = delivery.headers['ringline-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const verify = docsVerifier();
    expect(verify(delivery.rawBody, signature, secret)).toBe(true);
    expect(verify(delivery.rawBody.replace('completed', 'failed'), signature, secret)).toBe(false);
    expect(verify(delivery.rawBody, signature, `${secret}x`)).toBe(false);

    expect(await deliveredAttempts(callId)).toEqual([
      expect.objectContaining({ eventId: delivery.event.id, type: 'call.completed', attempt: 1, status: 'delivered', statusCode: 204, url: `${receiverUrl}/completed` }),
    ]);
    recorded.push({ name: 'outcome-webhooks-call', workflowId: outcomeWebhooksWorkflowId({ callId }) });
  });

  it('retries a receiver that fails first, with the same event id, and shows each attempt', async () => {
    behaviour.set('/flaky', { statuses: [503] });
    const callId = await placeCall('/flaky');
    const deliveries = await until(() => (eventsAt('/flaky').length >= 2 ? eventsAt('/flaky') : undefined));
    expect(deliveries.map((item) => item.event.type)).toEqual(['call.completed', 'call.completed']);
    expect(deliveries[1].event.id).toBe(deliveries[0].event.id);
    expect(deliveries[1].rawBody).toBe(deliveries[0].rawBody);

    const listed = await deliveredAttempts(callId);
    expect(listed.map((row) => [row.attempt, row.status, row.statusCode])).toEqual([
      [1, 'retrying', 503],
      [2, 'delivered', 204],
    ]);
    const retrying = await stack.api().get(`/api/v1/webhook-deliveries?status=retrying&callId=${callId}`);
    expect(retrying.body).toMatchObject({ total: 1, data: [{ attempt: 1, statusCode: 503 }] });
  }, 60_000);

  it('delivers a call\'s events in order, even when the receiver is slow with the first', async () => {
    behaviour.set('/ordered', { statuses: [], firstDelayMs: 1_500 });
    const res = await stack.api()
      .post('/api/v1/calls/outbound')
      .send({
        phoneNumber: number('001'),
        agentId: stack.agentId,
        ringTimeoutSec: 5,
        callbackUrl: `${receiverUrl}/ordered`,
        retryPolicy: { jitter: 0, rules: { busy: { maxRetries: 1, initialDelayMs: 200 } } },
      });
    expect(res.status).toBe(202);
    const deliveries = await until(() => (eventsAt('/ordered').length >= 2 ? eventsAt('/ordered') : undefined));
    expect(deliveries.map((item) => [item.event.type, item.event.data.attempt, item.event.data.failureReason])).toEqual([
      ['call.retry_scheduled', 1, 'busy'],
      ['call.failed', 2, 'busy_max_retries'],
    ]);
    expect(deliveries[0].event.data.nextAttemptAt).toEqual(expect.any(String));
  }, 60_000);

  it('posts campaign.finished to a campaign\'s callbackUrl, after its calls\' own events', async () => {
    const res = await stack.api()
      .post('/api/v1/calls/outbound/bulk')
      .send({ agentId: stack.agentId, ringTimeoutSec: 5, callbackUrl: `${receiverUrl}/campaign`, calls: [{ phoneNumber: number('000') }] });
    expect(res.status).toBe(202);
    const deliveries = await until(() => (eventsAt('/campaign').length >= 2 ? eventsAt('/campaign') : undefined), 60_000);
    expect(deliveries.map((item) => item.event.type)).toEqual(['call.completed', 'campaign.finished']);
    expect(deliveries[0].event.data).toMatchObject({ callId: campaignCallId(res.body.campaignId, 0), campaignId: res.body.campaignId });
    expect(deliveries[1].event.data).toMatchObject({ campaignId: res.body.campaignId, status: 'completed', total: 1, finished: 1, outcomes: { completed: 1 } });
  }, 90_000);
});

describe('webhook settings', () => {
  it('shows the secret only when it is made or rotated, and rotating changes it', async () => {
    const shown = await stack.api().get('/api/v1/webhook-settings');
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({ url: null, enabled: false, secretPrefix: secret.slice(0, 10), secretRotatedAt: expect.any(String) });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);

    const saved = await stack.api().put('/api/v1/webhook-settings').send({ url: `${receiverUrl}/default`, enabled: true });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ url: `${receiverUrl}/default`, enabled: true, secretPrefix: secret.slice(0, 10), secretRotatedAt: expect.any(String) });

    const stale = await stack.api().post('/api/v1/webhook-settings/rotate-secret').send({ currentSecretPrefix: 'whsec_nope' });
    expect([stale.status, stale.body.error?.code, stale.body.error?.details]).toEqual([409, 'SECRET_PREFIX_MISMATCH', { currentSecretPrefix: secret.slice(0, 10) }]);
    const rotated = await stack.api().post('/api/v1/webhook-settings/rotate-secret').send({ currentSecretPrefix: secret.slice(0, 10) });
    expect(rotated.status).toBe(200);
    expect(rotated.body.signingSecret).toMatch(/^whsec_/);
    expect(rotated.body.signingSecret).not.toBe(secret);
    expect(rotated.body.secretPrefix).toBe(rotated.body.signingSecret.slice(0, 10));
    const again = await stack.api().post('/api/v1/webhook-settings/rotate-secret').send({ currentSecretPrefix: secret.slice(0, 10) });
    expect([again.status, again.body.error?.code]).toEqual([409, 'SECRET_PREFIX_MISMATCH']);
    secret = rotated.body.signingSecret as string;
  });

  it('sends calls without a callbackUrl to the organization\'s default, signed with the rotated secret', async () => {
    const res = await stack.api().post('/api/v1/calls/outbound').send({ phoneNumber: number('000'), agentId: stack.agentId, ringTimeoutSec: 5 });
    expect(res.status).toBe(202);
    const delivery = await until(() => eventsAt('/default').find((item) => item.event.data.callId === res.body.callLogId));
    expect(docsVerifier()(delivery.rawBody, delivery.headers['ringline-signature'] as string, secret)).toBe(true);
    await stack.api().put('/api/v1/webhook-settings').send({ url: `${receiverUrl}/default`, enabled: false }).expect(200);
  });

  it('refuses bad settings with a code and changes nothing', async () => {
    const before = await stack.api().get('/api/v1/webhook-settings');
    for (const body of [{ url: 'ftp://example.com/x', enabled: true }, { url: null, enabled: true }, { url: 'https://example.com', enabled: 'yes' }, { url: 'https://example.com', enabled: true, extra: 1 }]) {
      const res = await stack.api().put('/api/v1/webhook-settings').send(body);
      expect([res.status, res.body.error?.code]).toEqual([400, 'VALIDATION_ERROR']);
    }
    expect((await stack.api().get('/api/v1/webhook-settings')).body).toEqual(before.body);
  });

  it('lets each role do only what its permissions allow', async () => {
    const keyOf = async (role: 'agent_manager' | 'api_client' | 'agent') => (await createApiKey({ role, name: role }, stack.config.API_KEY_PEPPER)).key;
    const as = async (role: 'agent_manager' | 'api_client' | 'agent') => request.agent(stack.apiUrl).set('Authorization', `Bearer ${await keyOf(role)}`);
    for (const role of ['agent_manager', 'api_client'] as const) {
      const agent = await as(role);
      expect((await agent.get('/api/v1/webhook-settings')).status).toBe(200);
      expect((await agent.get('/api/v1/webhook-deliveries')).status).toBe(200);
      expect((await agent.put('/api/v1/webhook-settings').send({ url: null, enabled: false })).status).toBe(403);
      expect((await agent.post('/api/v1/webhook-settings/rotate-secret').send({ currentSecretPrefix: secret.slice(0, 10) })).status).toBe(403);
    }
    const agent = await as('agent');
    expect((await agent.get('/api/v1/webhook-settings')).status).toBe(403);
    const otherOrg = (await createApiKey({ role: 'admin', name: 'other', orgId: 'org_webhooks_other' }, stack.config.API_KEY_PEPPER)).key;
    const firstCall = eventsAt('/completed')[0].event.data.callId as string;
    const foreign = await request.agent(stack.apiUrl).set('Authorization', `Bearer ${otherOrg}`).get(`/api/v1/calls/${firstCall}/webhooks`);
    expect([foreign.status, foreign.body.error?.code]).toEqual([404, 'CALL_NOT_FOUND']);
    const unknown = await stack.api().get('/api/v1/calls/no_such_call/webhooks');
    expect([unknown.status, unknown.body.error?.code]).toEqual([404, 'CALL_NOT_FOUND']);
  });
});

describe('targets on private networks', () => {
  it('are refused by default, for calls, campaigns and the default URL', async () => {
    const strictApp = createApp({
      logger: createLogger('api', { level: 'silent' }),
      metrics: createMetricsRegistry('api-strict'),
      health: { temporal: async () => true, database: async () => true },
      temporal: stack.env.client,
      config: { ...stack.config, OUTCOME_WEBHOOK_ALLOW_PRIVATE_TARGETS: false, OUTCOME_WEBHOOK_ALLOW_HTTP: false },
    });
    const api = () => request.agent(strictApp).set('Authorization', `Bearer ${stack.apiKey}`);
    for (const url of ['https://127.0.0.1/hook', 'https://localhost:8443/hook', 'https://[::1]/hook', 'https://169.254.169.254/latest', 'https://10.0.0.7/hook']) {
      const call = await api().post('/api/v1/calls/outbound').send({ phoneNumber: number('000'), agentId: stack.agentId, callbackUrl: url });
      expect([url, call.status, call.body.error?.code]).toEqual([url, 400, 'CALLBACK_URL_NOT_ALLOWED']);
    }
    const plain = await api().post('/api/v1/calls/outbound').send({ phoneNumber: number('000'), agentId: stack.agentId, callbackUrl: 'http://93.184.216.34/hook' });
    expect([plain.status, plain.body.error?.code]).toEqual([400, 'CALLBACK_URL_NOT_ALLOWED']);
    const campaign = await api().post('/api/v1/calls/outbound/bulk').send({ agentId: stack.agentId, callbackUrl: 'https://192.168.1.10/hook', calls: [{ phoneNumber: number('000') }] });
    expect([campaign.status, campaign.body.error?.code]).toEqual([400, 'CALLBACK_URL_NOT_ALLOWED']);
    const settings = await api().put('/api/v1/webhook-settings').send({ url: 'https://127.0.0.1/hook', enabled: true });
    expect([settings.status, settings.body.error?.code]).toEqual([400, 'CALLBACK_URL_NOT_ALLOWED']);
  });
});
