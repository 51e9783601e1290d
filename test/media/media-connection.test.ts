import WebSocket from 'ws';
import { CallLog } from '../../db/models/call-log';
import { attemptCallLogId } from '../../domain/call-ids';
import { startMediaHarness, type MediaHarness } from './media-harness';
import type { FakeStt } from './fake-providers';

let h: MediaHarness;

beforeAll(async () => {
  h = await startMediaHarness('connection');
});

afterAll(async () => {
  await h?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the media WebSocket refuses calls without a valid token', () => {
  it.each<[string, (call: { callId: string; attempt: number }) => string]>([
    ['a bad signature', (c) => h.mediaUrl(c.callId, c.attempt, Date.now() + 60_000, 'some-other-secret-0123456789')],
    ['an expired token', (c) => h.mediaUrl(c.callId, c.attempt, Date.now() - 1_000)],
    ['a token for another attempt', (c) => h.mediaUrl(c.callId, c.attempt + 1).replace(`/${c.attempt + 1}?`, `/${c.attempt}?`)],
    ['no token', (c) => h.mediaUrl(c.callId, c.attempt).replace(/\?token=.*$/, '')],
  ])('%s: closed with a policy code, no signal, no database write', async (_name, makeUrl) => {
    const call = await h.createCall();
    const client = await h.connect(makeUrl(call));
    client.start();
    const closed = await client.closed;
    expect(closed.code).toBe(1008);
    await sleep(300);
    expect(await h.signals(call.callId)).toEqual({ started: [], ended: [] });
    expect((await h.callLog(call))?.transcript).toEqual([]);
    expect(client.media).toHaveLength(0);
  });

  it('answers 404 to an upgrade on any other path', async () => {
    const socket = new WebSocket(`${h.baseUrl.replace('http', 'ws')}/ws/other`);
    await expect(new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))).rejects.toThrow(/404/);
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
    const metrics = await (await fetch(`${h.baseUrl}/metrics`)).text();
    expect(metrics).toContain('ringline_media_sessions_active');
    expect(metrics).toContain('ringline_media_greeting_cache_hit_ratio');
    expect(metrics).toContain('ringline_media_connections_refused_total');
  });
});
