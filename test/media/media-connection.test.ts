import WebSocket from 'ws';
import { CallLog } from '../../db/models/call-log';
import { attemptCallLogId } from '../../domain/attempt-address';
import { METRICS_TOKEN, startMediaHarness, type MediaHarness } from './media-harness';
import type { FakeStt } from './fake-providers';

let h: MediaHarness;

beforeAll(async () => {
  h = await startMediaHarness('connection');
});

afterAll(async () => {
  await h?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens a raw WebSocket and reports the HTTP status of a refused upgrade (or 101 when it was accepted). */
async function upgradeStatus(url: string): Promise<number> {
  const socket = new WebSocket(url);
  return new Promise<number>((resolve, reject) => {
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      socket.terminate();
    });
    socket.once('error', (err) => reject(err));
  });
}

describe("the media server's operational routes", () => {
  it.each(['/metrics', '/stats'])('%s answers the metrics token only', async (path) => {
    const none = await fetch(`${h.baseUrl}${path}`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await fetch(`${h.baseUrl}${path}`, { headers: { authorization: 'Bearer not-the-token' } })).status).toBe(401);
    const scraped = await fetch(`${h.baseUrl}${path}`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.status).toBe(200);
  });
});

describe('the media WebSocket refuses calls without a valid token', () => {
  it.each<[string, (call: { callId: string; attempt: number }) => string]>([
    ['a bad signature', (c) => h.mediaUrl(c.callId, c.attempt, Date.now() + 60_000, 'some-other-secret-0123456789abcdef')],
    ['an expired token', (c) => h.mediaUrl(c.callId, c.attempt, Date.now() - 1_000)],
    ['a token for another attempt', (c) => h.mediaUrl(c.callId, c.attempt + 1).replace(`/${c.attempt + 1}?`, `/${c.attempt}?`)],
    ['no token', (c) => h.mediaUrl(c.callId, c.attempt).replace(/\?token=.*$/, '')],
    ['the old token form (expiry and MAC only)', (c) => h.mediaUrl(c.callId, c.attempt).replace(/token=([^.]+)\.[^.]+\.[^.]*\./, 'token=$1.')],
  ])('%s: refused with 401 before the handshake, no signal, no database write', async (_name, makeUrl) => {
    const call = await h.createCall();
    expect(await upgradeStatus(makeUrl(call))).toBe(401);
    await sleep(300);
    expect(await h.signals(call.callId)).toEqual({ started: [], ended: [] });
    expect((await h.callLog(call))?.transcript).toEqual([]);
  });

  it('answers 404 to an upgrade on any other path', async () => {
    const socket = new WebSocket(`${h.baseUrl.replace('http', 'ws')}/ws/other`);
    await expect(new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))).rejects.toThrow(/404/);
  });

  it('opens one socket per URL, once: a captured URL is refused with 401 afterwards, and a second socket while live with 409', async () => {
    const call = await h.createCall();
    const client = await h.connect(call.url);
    client.start();
    await h.waitUntil(() => client.media.length > 0, 'greeting audio');
    expect(await upgradeStatus(call.url)).toBe(409);
    client.hangUp();
    await h.ended(call.callId);
    await h.waitUntil(() => h.server.sessions === 0, 'the session to end');
    expect(await upgradeStatus(call.url)).toBe(401);
    expect((await h.signals(call.callId)).started).toHaveLength(1);
  });

  it('a URL bound to a CallSid (flow mode) serves only a stream of that Exotel call', async () => {
    const call = await h.createCall();
    const impostor = await h.connect(h.mediaUrl(call.callId, call.attempt, Date.now() + 60_000, undefined, 'sid-of-the-real-call'), { callSid: 'sid-of-another-call' });
    impostor.start();
    expect((await impostor.closed).code).toBe(1008);
    expect(impostor.media).toHaveLength(0);
    const real = await h.connect(h.mediaUrl(call.callId, call.attempt, Date.now() + 60_000, undefined, 'sid-of-the-real-call'), { callSid: 'sid-of-the-real-call' });
    real.start();
    await h.waitUntil(() => real.media.length > 0, 'greeting audio for the real call');
    real.hangUp();
    const record = await h.ended(call.callId);
    expect(record.started).toHaveLength(1);
  });

  it('connect mode: a stream whose call_sid is not the attempt\'s recorded CallSid hears nothing and signals nothing', async () => {
    const call = await h.createCall({}, { callSid: 'b6cfaf8ba6d0a1e3b6dc40c2c7e41b7d' });
    const impostor = await h.connect(call.url, { callSid: 'ffffffffffffffffffffffffffffffff' });
    impostor.start();
    expect((await impostor.closed).code).toBe(1008);
    await sleep(300);
    expect(impostor.media).toHaveLength(0);
    expect(await h.signals(call.callId)).toEqual({ started: [], ended: [] });
    expect((await h.callLog(call))?.transcript).toEqual([]);
    const real = await h.connect(h.mediaUrl(call.callId, call.attempt), { callSid: 'b6cfaf8ba6d0a1e3b6dc40c2c7e41b7d' });
    real.start();
    await h.waitUntil(() => real.media.length > 0, 'greeting audio for the real call');
    real.hangUp();
    await h.ended(call.callId);
  });
});

describe('malformed frames', () => {
  it('are logged and survived: the call goes on and ends normally', async () => {
    const call = await h.createCall();
    const client = await h.connect(call.url);
    client.sendRaw('not json');
    client.start();
    client.sendRaw('{"event":"media","media":{"payload":"%%%not-base64%%%"}}');
    client.sendRaw(JSON.stringify({ event: 'media', media: { payload: Buffer.alloc(3).toString('base64') } }));
    client.sendRaw(JSON.stringify({ event: 'media', media: {} }));
    client.sendRaw(JSON.stringify({ event: 'surprise', anything: 1 }));
    client.sendRaw(JSON.stringify({ event: 'dtmf', dtmf: { digit: 'xx' } }));
    client.sendRaw(JSON.stringify([1, 2, 3]));
    client.sendRaw(Buffer.from([1, 2, 3]));
    const stt = await (h.stt as FakeStt).stream(client.callSid);
    await h.waitUntil(() => client.marksEchoed.length > 0, 'the greeting to play');
    const before = stt.audioBytes;
    await sleep(300);
    expect(stt.audioBytes).toBeGreaterThan(before);
    client.hangUp();
    const record = await h.ended(call.callId);
    expect(record.ended[0].outcome).toBe('completed');
    const metrics = await h.registry.getSingleMetricAsString('ringline_media_malformed_frames_total');
    for (const kind of ['not_json', 'bad_audio', 'bad_field', 'unknown_event', 'binary_frame']) expect(metrics).toContain(`kind="${kind}"`);
  });

  it('takes camelCase keys and numbers as strings in start', async () => {
    const call = await h.createCall();
    const client = await h.connect(call.url, { camelCase: true });
    client.start();
    await h.waitUntil(() => client.media.length > 0, 'greeting audio');
    const record = await h.signals(call.callId);
    expect(record.started[0]).toMatchObject({ attempt: 1, streamSid: client.streamSid });
    client.hangUp();
    await h.ended(call.callId);
  });
});

describe('the control endpoint', () => {
  it('refuses a bad signature with 401 and changes nothing', async () => {
    const call = await h.createCall();
    const client = await h.connect(call.url);
    client.start();
    await h.waitUntil(() => client.media.length > 0, 'greeting audio');
    const res = await h.control('/control/end', { callId: call.callId, attempt: 1, mode: 'immediate', reason: 'test' }, 'forged');
    expect(res.status).toBe(401);
    await sleep(200);
    expect((await h.signals(call.callId)).ended).toEqual([]);
    client.hangUp();
    await h.ended(call.callId);
  });

  it('takes each signed request once: a replay is refused with 401', async () => {
    const request = h.signedControl('/control/end', { callId: 'nobody', attempt: 1, mode: 'goodbye', reason: 'x' });
    expect((await request.send()).status).toBe(404);
    const replay = await request.send();
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('REPLAYED_REQUEST');
  });

  it('answers 404 for a session it does not hold, 400 for a bad body', async () => {
    expect((await h.control('/control/end', { callId: 'nobody', attempt: 1, mode: 'goodbye', reason: 'x' })).status).toBe(404);
    expect((await h.control('/control/end', { callId: 'nobody', attempt: 0, mode: 'later' })).status).toBe(400);
  });

  it('immediate: closes the socket at once; the bot hung up', async () => {
    const call = await h.createCall({ greeting: 'This is a rather long greeting that takes a while to play out.' });
    const client = await h.connect(call.url);
    client.start();
    await h.waitUntil(() => client.media.length > 0, 'greeting audio');
    const asked = Date.now();
    expect((await h.control('/control/end', { callId: call.callId, attempt: 1, mode: 'immediate', reason: 'cancelled' })).status).toBe(200);
    const closed = await client.closed;
    expect(closed.at - asked).toBeLessThan(300);
    const record = await h.ended(call.callId);
    expect(record.ended).toHaveLength(1);
    expect(record.ended[0]).toMatchObject({ attempt: 1, outcome: 'hangup_by_bot' });
  });

  it('goodbye: speaks the goodbye, closes after its mark came back', async () => {
    const call = await h.createCall({ goodbyeMessage: 'Goodbye from the control test.' });
    const client = await h.connect(call.url);
    client.start();
    await h.waitUntil(() => client.marksEchoed.length > 0, 'greeting played');
    expect((await h.control('/control/end', { callId: call.callId, attempt: 1, mode: 'goodbye', reason: 'cancelled' })).status).toBe(200);
    const closed = await client.closed;
    const lastMark = client.marksEchoed[client.marksEchoed.length - 1];
    expect(closed.at).toBeGreaterThanOrEqual(lastMark.at);
    const record = await h.ended(call.callId);
    expect(record.ended[0].outcome).toBe('hangup_by_bot');
    const log = await CallLog.findById(attemptCallLogId(call.callId, 1)).lean();
    expect(log?.transcript.map((t) => [t.speaker, t.text])).toEqual([
      ['bot', 'Hello from Ringline.'],
      ['bot', 'Goodbye from the control test.'],
    ]);
  });
});

describe('health and metrics', () => {
  it('reports health and Prometheus figures', async () => {
    const health = await fetch(`${h.baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', sessions: expect.any(Number) });
    const metrics = await (await fetch(`${h.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(metrics).toContain('ringline_media_sessions_active');
    expect(metrics).toContain('ringline_media_greeting_cache_hit_ratio');
    expect(metrics).toContain('ringline_media_connections_refused_total');
  });
});
