import { liveUpdatesFromConfig, type LiveUpdates } from '../../api/live/live-updates';
import { parseConfig } from '../../domain/config';
import { createApiKey, revokeApiKey } from '../../lib/api-keys';
import { createLogger } from '../../lib/logger';
import { generateSecrets } from '../../lib/generated-secrets';
import { EventStreamClient, type ReceivedEvent } from '../helpers/event-stream-client';
import { createAgent, lines, phoneNumber, programReply, startE2eStack, transcript, waitFor, type E2eStack } from './e2e-support';

/**
 * Live updates on the whole stack: a call placed through the API talks to the real media server
 * (simulated Exotel, Deepgram and OpenAI), and its event stream carries the phases and the transcript
 * turns as the media server writes them, then the end; a campaign's stream follows it to finished.
 */
jest.setTimeout(180_000);

const LIVE_CONFIG = { LIVE_POLL_MS: '200', LIVE_HEARTBEAT_SEC: '1', LIVE_STREAMS_PER_KEY: '3' };
const LIFECYCLE = ['scheduled', 'waiting_for_line', 'dialing', 'ringing', 'in_progress', 'retry_scheduled', 'completed', 'voicemail', 'failed', 'cancelled'];

let stack: E2eStack;
let live: LiveUpdates;

beforeAll(async () => {
  // The streams' own limits and timing, as the stack's API reads them from its configuration.
  live = liveUpdatesFromConfig(parseConfig({ ...generateSecrets(), ...LIVE_CONFIG }), createLogger('live-test', { level: 'silent' }));
  stack = await startE2eStack('e2e_live_events', LIVE_CONFIG, { liveUpdates: live });
});

afterAll(async () => {
  live?.close();
  await stack?.stop();
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

function openStream(path: string, key = stack.apiKey, extra: Record<string, string> = {}) {
  return EventStreamClient.open(`${stack.apiUrl}${path}`, { ...bearer(key), ...extra });
}

async function opened(path: string, key = stack.apiKey, extra: Record<string, string> = {}): Promise<EventStreamClient> {
  const answer = await openStream(path, key, extra);
  expect(answer).toMatchObject({ status: 200, contentType: 'text/event-stream; charset=utf-8' });
  return answer.client!;
}

const named = (events: ReceivedEvent[], name: string) => events.filter((e) => e.event === name);
const turnIds = (events: ReceivedEvent[]) => named(events, 'turn').map((e) => e.id);
const turnLines = (events: ReceivedEvent[]) => named(events, 'turn').map((e) => e.data as { speaker: string; text: string; interrupted: boolean });

async function placeCall(agentId: string, number: string): Promise<string> {
  const accepted = await stack.api().post('/api/v1/calls/outbound').send({ phoneNumber: number, agentId, ringTimeoutSec: 5, retryPolicy: { maxTotalAttempts: 1 } });
  expect(accepted.status).toBe(202);
  return accepted.body.callLogId as string;
}

describe('a call placed through the API, followed live', () => {
  let callLogId: string;
  let whole: EventStreamClient;
  let resumed: EventStreamClient;
  let cut: ReceivedEvent[];

  beforeAll(async () => {
    await programReply(stack, 'hello', 'Hi! Am I speaking with Rahul?');
    await programReply(stack, 'rahul', 'Thanks, Rahul. I am calling about your payment.');
    await programReply(stack, 'when is my payment due', 'It is due on the thirtieth.');
    const agentId = await createAgent();
    callLogId = await placeCall(agentId, phoneNumber('000'));
    const path = `/api/v1/calls/${callLogId}/events`;
    whole = await opened(path);
    // A second client of the same call drops after two turns and comes back with the last id it had.
    const dropping = await opened(path);
    await dropping.until((events) => named(events, 'turn').length >= 2, 'two turns');
    dropping.abort();
    await dropping.ended;
    cut = [...dropping.events];
    expect(live.activeWatches).toBe(1);
    const lastId = turnIds(cut).at(-1)!;
    resumed = await opened(path, stack.apiKey, { 'last-event-id': lastId });
    await Promise.all([whole.ended, resumed.ended]);
  });

  it('streams the phases in lifecycle order, every turn in spoken order, and ends with the outcome', async () => {
    const events = whole.events;
    expect(whole.retryMs).toBe(3000);
    expect(events[0].event).toBe('phase');
    expect(events.at(-1)).toMatchObject({ event: 'end', data: { callLogId, status: 'completed', failureReason: null, attempts: 1 } });
    expect(named(events, 'end')).toHaveLength(1);

    const statuses = named(events, 'phase').map((e) => (e.data as { status: string }).status);
    const order = statuses.map((status) => LIFECYCLE.indexOf(status));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(statuses).toContain('in_progress');

    // The turns are the CallLog's transcript, once each, numbered 1.1, 1.2, … as they were written.
    const stored = await transcript(callLogId);
    expect(stored.length).toBeGreaterThanOrEqual(8);
    expect(lines(turnLines(events))).toEqual(lines(stored));
    expect(turnIds(events)).toEqual(stored.map((_, i) => `1.${i + 1}`));
    // Turns arrive while the call talks, not in a batch at its end.
    const firstTurn = named(events, 'turn')[0];
    expect(events.at(-1)!.receivedAt - firstTurn.receivedAt).toBeGreaterThan(2_000);
    // The conversation took seconds; the stream stayed open with heartbeats between its events.
    expect(whole.comments).toContain('heartbeat');
  });

  it('a client that reconnects with Last-Event-ID gets the turns after it, none twice and none missing', () => {
    const resumedTurns = turnIds(resumed.events);
    expect(resumed.events[0].event).toBe('phase');
    expect(resumed.events.at(-1)?.event).toBe('end');
    expect(resumedTurns.filter((id) => turnIds(cut).includes(id))).toEqual([]);
    expect([...turnIds(cut), ...resumedTurns]).toEqual(turnIds(whole.events));
  });

  it('a stream of a finished call sends where it ended, its transcript after Last-Event-ID, and the end at once', async () => {
    const late = await opened(`/api/v1/calls/${callLogId}/events`, stack.apiKey, { 'last-event-id': '1.6' });
    await late.ended;
    const stored = await transcript(callLogId);
    expect(late.events.map((e) => e.event)).toEqual(['phase', ...stored.slice(6).map(() => 'turn'), 'end']);
    expect(late.events[0].data).toMatchObject({ status: 'completed', live: false });
    expect(turnIds(late.events)[0]).toBe('1.7');
  });

  it('no watch is left once the streams have ended', async () => {
    await waitFor(() => live.openStreams === 0 && live.activeWatches === 0, 'streams and watches to close');
  });
});

describe('who may follow a call: exactly who may read it', () => {
  let callLogId: string;
  let agentId: string;

  beforeAll(async () => {
    agentId = await createAgent({ noResponseTimeoutSec: 1, noResponseHangupSec: 1 });
    callLogId = await placeCall(agentId, phoneNumber('003'));
  });

  async function statuses(key: string | undefined) {
    const headers = key ? bearer(key) : {};
    const read = await fetch(`${stack.apiUrl}/api/v1/calls/${callLogId}`, { headers });
    const stream = await EventStreamClient.open(`${stack.apiUrl}/api/v1/calls/${callLogId}/events`, headers);
    stream.client?.abort();
    return { read: read.status, stream: stream.status, code: (stream.body as { error?: { code?: string } } | undefined)?.error?.code };
  }

  const key = (request: Parameters<typeof createApiKey>[0]) => createApiKey(request, stack.config.API_KEY_PEPPER).then((made) => made.key);

  it.each([
    ['no key', async () => undefined, 401, 'UNAUTHENTICATED'],
    ['a revoked key', async () => {
      const made = await createApiKey({ role: 'admin', name: 'revoked' }, stack.config.API_KEY_PEPPER);
      await revokeApiKey(made.view.id);
      return made.key;
    }, 401, 'UNAUTHENTICATED'],
    ["another organization's admin", () => key({ role: 'admin', orgId: 'org_elsewhere', name: 'other org' }), 404, 'CALL_NOT_FOUND'],
    ["an agent key of another agent", () => key({ role: 'agent', agentIds: ['agent_someone_else'], name: 'other agent' }), 404, 'CALL_NOT_FOUND'],
  ])('%s: refused as the read route refuses it', async (_who, makeKey, status, code) => {
    expect(await statuses(await makeKey())).toEqual({ read: status, stream: status, code });
  });

  it("an agent key of the call's own agent may follow it", async () => {
    const own = await key({ role: 'agent', agentIds: [agentId], name: 'own agent' });
    expect(await statuses(own)).toEqual({ read: 200, stream: 200, code: undefined });
  });
});

describe('a campaign followed live', () => {
  it('reports progress to finished, and ends with the figures GET /bulk/batches/:id answers', async () => {
    const agentId = await createAgent({ noResponseTimeoutSec: 1, noResponseHangupSec: 1 });
    const calls = ['001', '004', '001', '004'].map((suffix) => ({ phoneNumber: phoneNumber(suffix) }));
    const created = await stack
      .api()
      .post('/api/v1/calls/outbound/bulk')
      .send({ name: 'live', agentId, calls, throttle: { maxConcurrent: 1 }, retryPolicy: { maxTotalAttempts: 1 } });
    expect(created.status).toBe(202);
    const { batchId } = created.body;
    const stream = await opened(`/api/v1/bulk/batches/${batchId}/events`);
    await stream.ended;

    const events = stream.events;
    expect(events.slice(0, -1).every((e) => e.event === 'progress')).toBe(true);
    const processed = events.map((e) => (e.data as { progress: { processed: number } }).progress.processed);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
    expect(events.length).toBeGreaterThan(2);
    const end = events.at(-1)!;
    expect(end.event).toBe('end');
    const read = await stack.api().get(`/api/v1/bulk/batches/${batchId}`);
    expect(end.data).toEqual({
      batchId,
      status: 'completed',
      progress: read.body.progress,
      startedAt: read.body.startedAt,
      completedAt: read.body.completedAt,
      live: read.body.live,
    });
    expect(read.body.progress).toMatchObject({ total: 4, processed: 4, inProgress: 0 });
  });

  it('is refused to a role without campaigns.read (403) and to another organization (404), like the read route', async () => {
    const created = await stack.api().post('/api/v1/calls/outbound/bulk').send({ agentId: stack.agentId, calls: [{ phoneNumber: phoneNumber('003') }] });
    const { batchId } = created.body;
    const agent = (await createApiKey({ role: 'agent', agentIds: [stack.agentId], name: 'agent' }, stack.config.API_KEY_PEPPER)).key;
    const elsewhere = (await createApiKey({ role: 'admin', orgId: 'org_elsewhere', name: 'other org' }, stack.config.API_KEY_PEPPER)).key;
    for (const [key, status] of [
      [agent, 403],
      [elsewhere, 404],
    ] as const) {
      const read = await fetch(`${stack.apiUrl}/api/v1/bulk/batches/${batchId}`, { headers: bearer(key) });
      const stream = await openStream(`/api/v1/bulk/batches/${batchId}/events`, key);
      expect([read.status, stream.status]).toEqual([status, status]);
    }
  });
});

describe('stream limits and shutdown', () => {
  it('a key holds at most LIVE_STREAMS_PER_KEY open streams; a closed one frees its place', async () => {
    const inAnHour = new Date(Date.now() + 3600_000).toISOString();
    const created = await stack.api().post('/api/v1/calls/outbound/bulk').send({ agentId: stack.agentId, scheduledFor: inAnHour, calls: [{ phoneNumber: phoneNumber('000') }] });
    expect(created.status).toBe(202);
    const path = `/api/v1/bulk/batches/${created.body.batchId}/events`;
    const limited = (await createApiKey({ role: 'api_client', name: 'limited' }, stack.config.API_KEY_PEPPER)).key;
    const held = await Promise.all([1, 2, 3].map(() => opened(path, limited)));
    const refused = await openStream(path, limited);
    expect(refused).toMatchObject({ status: 429, body: { error: { code: 'TOO_MANY_STREAMS', details: { limit: 3 } } } });
    // Another key is not held back by this one's streams.
    const other = await opened(path);
    other.abort();
    held[0].abort();
    await waitFor(async () => (await openStream(path, limited).then((answer) => (answer.client?.abort(), answer.status))) === 200, 'a freed place');
    for (const client of held) client.abort();
  });

  it('closing the live updates (API shutdown) ends every open stream without an end event', async () => {
    const inAnHour = new Date(Date.now() + 3600_000).toISOString();
    const created = await stack.api().post('/api/v1/calls/outbound/bulk').send({ agentId: stack.agentId, scheduledFor: inAnHour, calls: [{ phoneNumber: phoneNumber('000') }] });
    const client = await opened(`/api/v1/bulk/batches/${created.body.batchId}/events`);
    await client.until((events) => events.length > 0, 'the first progress');
    live.close();
    await client.ended;
    expect(client.events.map((e) => e.event)).toEqual(['progress']);
    await waitFor(() => live.openStreams === 0 && live.activeWatches === 0, 'streams and watches to close');
  });
});
