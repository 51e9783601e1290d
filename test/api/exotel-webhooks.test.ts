import request from 'supertest';
import { CallLog } from '../../db/models/call-log';
import type { CallWorkflowInput, ExotelStatusEvent } from '../../domain/call-workflow-types';
import { signStatusCallback, verifyMediaToken } from '../../lib/hmac-auth';
import { startApiHarness, unreachableTemporalClient, type ApiHarness } from './api-harness';

let harness: ApiHarness;
let callCounter = 0;

beforeAll(async () => {
  harness = await startApiHarness('exotel_webhooks', {
    config: {
      PUBLIC_MEDIA_WS_URL: 'wss://media.ringline.test',
      EXOTEL_MODE: 'flow',
      EXOTEL_FLOW_URL: 'http://my.exotel.com/x/exoml/start_voice/1',
      EXOTEL_RECORDING_URL_PREFIXES: 'https://rec.example/recordings/',
    },
  });
});

afterAll(async () => {
  await harness?.close();
});

async function startCall(): Promise<string> {
  const callId = `call_hook${process.pid}x${Date.now()}x${(callCounter += 1)}`;
  const input: CallWorkflowInput = {
    callId,
    phoneNumber: '+919876543210',
    agentId: 'agent_x',
    priority: 'medium',
    maxCallDurationSec: 600,
    exotelAccount: harness.config.EXOTEL_ACCOUNT_SID,
  };
  await harness.startFixtureCall(input);
  return callId;
}

const inAnHour = () => Date.now() + 3_600_000;
const sign = (callId: string, attempt: number, exp: number, secret = harness.config.WEBHOOK_SECRET) => signStatusCallback(secret, callId, attempt, exp);
const callbackPath = (callId: string, attempt: number, exp = inAnHour(), sig = sign(callId, attempt, exp)) =>
  `/api/v1/webhooks/exotel/call-status?call=${encodeURIComponent(callId)}&attempt=${attempt}&exp=${exp}&sig=${encodeURIComponent(sig)}`;

/** A terminal callback as Exotel sends it with events subscribed. */
const terminalPayload = (callId: string) => ({
  CallSid: 'b6cfaf8ba6d0a1e3b6dc40c2c7e41b7d',
  Status: 'completed',
  DateUpdated: '2026-11-23 15:31:02',
  RecordingUrl: null,
  EventType: 'terminal',
  DateCreated: '2026-11-23 15:30:00',
  From: '09876543210',
  To: '08047112233',
  PhoneNumberSid: '08047112233',
  StartTime: '2026-11-23 15:30:00',
  EndTime: '2026-11-23 15:31:02',
  ConversationDuration: 47,
  Direction: 'outbound-api',
  Legs: [{ OnCallDuration: 47, Status: 'completed', AnsweredBy: 'human' }],
  CustomField: `${callId}:1`,
});

/** Exotel's form encoding: nested values flattened as `Legs[0][Status]`, null as an empty value. */
function formFields(payload: Record<string, unknown>): [string, string][] {
  const fields: [string, string][] = [];
  const put = (name: string, value: unknown): void => {
    if (Array.isArray(value)) value.forEach((item, index) => put(`${name}[${index}]`, item));
    else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) put(`${name}[${key}]`, item);
    else fields.push([name, value === null || value === undefined ? '' : String(value)]);
  };
  for (const [key, value] of Object.entries(payload)) put(key, value);
  return fields;
}

async function multipart(fields: [string, string][]): Promise<{ contentType: string; body: Buffer }> {
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  const encoded = new Request('http://multipart.invalid/', { method: 'POST', body: form });
  return { contentType: encoded.headers.get('content-type') as string, body: Buffer.from(await encoded.arrayBuffer()) };
}

const withoutReceivedAt = ({ receivedAt: _receivedAt, ...event }: ExotelStatusEvent) => event;

describe('POST /api/v1/webhooks/exotel/call-status', () => {
  it('signals the same event to the workflow whether Exotel sends JSON, urlencoded or multipart', async () => {
    const callId = await startCall();
    const payload = terminalPayload(callId);
    const json = await request(harness.app).post(callbackPath(callId, 1)).send(payload);
    const urlencoded = await request(harness.app)
      .post(callbackPath(callId, 1))
      .set('content-type', 'application/x-www-form-urlencoded')
      .send(new URLSearchParams(formFields(payload)).toString());
    const encoded = await multipart(formFields(payload));
    const form = await request(harness.app).post(callbackPath(callId, 1)).set('content-type', encoded.contentType).send(encoded.body);

    for (const res of [json, urlencoded, form]) {
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: true });
    }
    const events = (await harness.recorded(callId)).exotelStatus;
    expect(events).toHaveLength(3);
    const expected = {
      attempt: 1,
      callSid: 'b6cfaf8ba6d0a1e3b6dc40c2c7e41b7d',
      status: 'completed',
      eventType: 'terminal',
      customField: `${callId}:1`,
      startTime: '2026-11-23 15:30:00',
      endTime: '2026-11-23 15:31:02',
      conversationDurationSec: 47,
      answeredBy: 'human',
    };
    for (const event of events) {
      expect(withoutReceivedAt(event)).toEqual(expected);
      expect(Date.parse(event.receivedAt)).not.toBeNaN();
    }
  });

  it("records Exotel's AnsweredBy on the attempt for the media server, when it is sure and the CallSid is the attempt's", async () => {
    const callId = await startCall();
    const sid = 'c0ffee8ba6d0a1e3b6dc40c2c7e41b7d';
    await CallLog.create({ _id: callId, callId, attempt: 1, phoneNumber: '+919876543210', phoneLast4: '3210', agentId: 'agent_x', status: 'in_progress', workflowId: `call-${callId}`, exotelCallSid: sid });
    const answered = (callSid: string, answeredBy: string) => ({ CallSid: callSid, Status: 'in-progress', EventType: 'answered', Legs: [{ OnCallDuration: 0, Status: 'in-progress', AnsweredBy: answeredBy }] });
    const hint = async () => (await CallLog.findById(callId).lean())?.carrierAnsweredBy;

    expect((await request(harness.app).post(callbackPath(callId, 1)).send(answered(sid, 'NOT_SURE'))).status).toBe(200);
    expect(await hint()).toBeUndefined();
    expect((await request(harness.app).post(callbackPath(callId, 1)).send(answered('another0a1e3b6dc40c2c7e41b7d', 'MACHINE'))).status).toBe(200);
    expect(await hint()).toBeUndefined();
    const form = await request(harness.app)
      .post(callbackPath(callId, 1))
      .set('content-type', 'application/x-www-form-urlencoded')
      .send(new URLSearchParams(formFields(answered(sid, 'MACHINE'))).toString());
    expect(form.status).toBe(200);
    expect(await hint()).toBe('machine');
    expect((await harness.recorded(callId)).exotelStatus.map((event) => event.answeredBy)).toEqual([undefined, 'machine', 'machine']);
    await CallLog.deleteOne({ _id: callId });
  });

  it('reads the event type from the status when Exotel sends none', async () => {
    const callId = await startCall();
    const answered = await request(harness.app).post(callbackPath(callId, 2)).send({ CallSid: 'sid-2', Status: 'in-progress', RecordingUrl: '' });
    const busy = await request(harness.app)
      .post(callbackPath(callId, 2))
      .type('form')
      .send({ CallSid: 'sid-2', Status: 'busy', ConversationDuration: '0', RecordingUrl: 'https://rec.example/recordings/1.mp3' });
    const odd = await request(harness.app).post(callbackPath(callId, 2)).send({ CallSid: 'sid-2', Status: 'ringing' });
    expect([answered.status, busy.status, odd.status]).toEqual([200, 200, 200]);
    expect((await harness.recorded(callId)).exotelStatus.map(withoutReceivedAt)).toEqual([
      { attempt: 2, callSid: 'sid-2', status: 'in-progress', eventType: 'answered' },
      { attempt: 2, callSid: 'sid-2', status: 'busy', eventType: 'terminal', conversationDurationSec: 0, recordingUrl: 'https://rec.example/recordings/1.mp3' },
      { attempt: 2, callSid: 'sid-2', status: 'ringing', eventType: 'unknown' },
    ]);
  });

  it.each([
    ['without a signature', (callId: string) => `/api/v1/webhooks/exotel/call-status?call=${callId}&attempt=1`],
    ['with a wrong signature', (callId: string) => callbackPath(callId, 1, inAnHour(), 'AAAA')],
    ['with the signature of another attempt', (callId: string) => { const exp = inAnHour(); return callbackPath(callId, 1, exp, sign(callId, 2, exp)); }],
    ['with the signature of another call', (callId: string) => { const exp = inAnHour(); return callbackPath(callId, 1, exp, sign(`${callId}x`, 1, exp)); }],
    ['signed with another secret', (callId: string) => { const exp = inAnHour(); return callbackPath(callId, 1, exp, sign(callId, 1, exp, 'some-other-secret-value-0123456789')); }],
    // A URL copied from a proxy log stops working when the attempt can no longer produce callbacks.
    ['after its expiry', (callId: string) => callbackPath(callId, 1, Date.now() - 1_000)],
    ['whose expiry was moved', (callId: string) => { const exp = Date.now() - 1_000; return callbackPath(callId, 1, inAnHour(), sign(callId, 1, exp)); }],
    ['without an expiry (the old URL form)', (callId: string) => `/api/v1/webhooks/exotel/call-status?call=${callId}&attempt=1&sig=${sign(callId, 1, inAnHour())}`],
    ['without a call id', () => `/api/v1/webhooks/exotel/call-status?attempt=1&sig=x`],
  ])('refuses a callback %s with 401 and signals nothing', async (_case, path) => {
    const callId = await startCall();
    const res = await request(harness.app).post(path(callId)).send(terminalPayload(callId));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('INVALID_SIGNATURE');
    expect((await harness.recorded(callId)).exotelStatus).toEqual([]);
  });

  it('refuses a correctly signed callback whose CustomField names another attempt', async () => {
    const callId = await startCall();
    for (const customField of [`${callId}:2`, `other:1`, 'garbage']) {
      const res = await request(harness.app).post(callbackPath(callId, 1)).send({ ...terminalPayload(callId), CustomField: customField });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('INVALID_SIGNATURE');
    }
    expect((await harness.recorded(callId)).exotelStatus).toEqual([]);
  });

  it('refuses a signed callback without a status with 400', async () => {
    const callId = await startCall();
    const res = await request(harness.app).post(callbackPath(callId, 1)).send({ CallSid: 'sid' });
    expect(res.status).toBe(400);
    expect((await harness.recorded(callId)).exotelStatus).toEqual([]);
  });

  it('answers 200 ignored for a finished or unknown call, so Exotel stops retrying', async () => {
    const callId = await startCall();
    await harness.finishCall(callId);
    const finished = await request(harness.app).post(callbackPath(callId, 1)).send(terminalPayload(callId));
    expect(finished.status).toBe(200);
    expect(finished.body).toEqual({ received: true, ignored: 'call_finished' });
    const unknownId = 'call_neverstarted';
    const unknown = await request(harness.app).post(callbackPath(unknownId, 1)).send(terminalPayload(unknownId));
    expect(unknown.body).toEqual({ received: true, ignored: 'call_finished' });
  });

  it('answers 503 when Temporal does not take the signal, so Exotel retries', async () => {
    const app = harness.makeApp({ client: await unreachableTemporalClient(), timeouts: { writeMs: 500 } });
    const res = await harness.authed(app).post(callbackPath('call_any', 1)).send(terminalPayload('call_any'));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('TEMPORAL_UNAVAILABLE');
  });

  it('keeps a RecordingUrl only under EXOTEL_RECORDING_URL_PREFIXES', async () => {
    const callId = await startCall();
    for (const recordingUrl of ['https://evil.example/recordings/1.mp3', 'https://rec.example/other/1.mp3', 'https://rec.example/recordings/../x', 'javascript:alert(1)']) {
      const res = await request(harness.app).post(callbackPath(callId, 1)).send({ CallSid: 'sid-r', Status: 'completed', RecordingUrl: recordingUrl });
      expect(res.status).toBe(200);
    }
    const events = (await harness.recorded(callId)).exotelStatus;
    expect(events).toHaveLength(4);
    for (const event of events) expect(event.recordingUrl).toBeUndefined();
  });

  it('limits requests per source address, before any signature work', async () => {
    const app = harness.makeApp({ config: { WEBHOOK_RATE_LIMIT_PER_MINUTE: '5' } });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) statuses.push((await request(app).post('/api/v1/webhooks/exotel/call-status?call=c&attempt=1&exp=1&sig=x').send({})).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    const asks: number[] = [];
    for (let i = 0; i < 6; i += 1) asks.push((await request(app).get('/api/v1/exotel/voicebot-url').query({ CustomField: 'x' })).status);
    expect(asks).toEqual([400, 400, 400, 400, 400, 429]);
  });

  it('takes requests only from EXOTEL_SOURCE_ALLOWLIST when it is set', async () => {
    const elsewhere = harness.makeApp({ config: { EXOTEL_SOURCE_ALLOWLIST: '203.0.113.0/24, 2001:db8::1' } });
    const callId = await startCall();
    const refused = await request(elsewhere).post(callbackPath(callId, 1)).send(terminalPayload(callId));
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('SOURCE_NOT_ALLOWED');
    const voicebot = await request(elsewhere).get('/api/v1/exotel/voicebot-url').query({ CustomField: `${callId}:1`, CallSid: 'sid' });
    expect(voicebot.status).toBe(403);
    expect((await harness.recorded(callId)).exotelStatus).toEqual([]);
    const loopback = harness.makeApp({ config: { EXOTEL_SOURCE_ALLOWLIST: '127.0.0.0/8,::1' } });
    expect((await request(loopback).post(callbackPath(callId, 1)).send(terminalPayload(callId))).status).toBe(200);
  });

  it('logs each callback with call, attempt and status, and never the signature or a full number', async () => {
    const lines: string[] = [];
    const app = harness.makeApp({ logDestination: { write: (line: string) => void lines.push(line) } });
    const callId = await startCall();
    const exp = inAnHour();
    const sig = sign(callId, 1, exp);
    await request(app).post(callbackPath(callId, 1, exp, sig)).send(terminalPayload(callId)).expect(200);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toContainEqual(expect.objectContaining({ msg: 'exotel status callback', callId, attempt: 1, status: 'completed', eventType: 'terminal' }));
    expect(logged).toContainEqual(
      expect.objectContaining({ msg: 'request', method: 'POST', path: '/api/v1/webhooks/exotel/call-status', status: 200, ms: expect.any(Number) }),
    );
    const text = lines.join('\n');
    expect(text).not.toContain(sig);
    expect(text).not.toContain('9876543210');
  });
});

describe('GET /api/v1/exotel/voicebot-url', () => {
  const ask = (query: Record<string, string>) => request(harness.app).get('/api/v1/exotel/voicebot-url').query({ CallFrom: '09876543210', CallTo: '08047112233', ...query });

  it('hands out a media URL with a valid token, bound to the CallSid, for the attempt being connected', async () => {
    const callId = await startCall();
    await harness.setCallState(callId, { phase: 'ringing', attempt: 1, callSid: 'sid-current' });
    const before = Date.now();
    const res = await ask({ CallSid: 'sid-current', CustomField: `${callId}:1` });
    expect(res.status).toBe(200);
    const url = new URL(res.body.url);
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe(`wss://media.ringline.test/ws/exotel/voice/${callId}/1`);
    const token = url.searchParams.get('token') as string;
    // Bound to the CallSid that asked, with a nonce of its own (single use is the media server's part).
    expect(verifyMediaToken(harness.config.MEDIA_TOKEN_SECRET, callId, 1, token)).toEqual({
      ok: true,
      claims: { callId, attempt: 1, callSid: 'sid-current', nonce: expect.any(String), expiresAt: expect.any(Number) },
    });
    const again = new URL((await ask({ CallSid: 'sid-current', CustomField: `${callId}:1` })).body.url).searchParams.get('token') as string;
    expect(again.split('.')[1]).not.toBe(token.split('.')[1]);
    expect(verifyMediaToken(harness.config.MEDIA_TOKEN_SECRET, callId, 2, token)).toEqual({ ok: false, reason: 'bad_signature' });
    const ttlMs = harness.config.MEDIA_TOKEN_TTL_SEC * 1000;
    expect(verifyMediaToken(harness.config.MEDIA_TOKEN_SECRET, callId, 1, token, before + ttlMs - 1_000).ok).toBe(true);
    expect(verifyMediaToken(harness.config.MEDIA_TOKEN_SECRET, callId, 1, token, Date.now() + ttlMs + 1_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a stale attempt and serves the current one', async () => {
    const callId = await startCall();
    await harness.setCallState(callId, { phase: 'ringing', attempt: 2, callSid: 'sid-new' });
    const stale = await ask({ CallSid: 'sid-old', CustomField: `${callId}:1` });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'STALE_ATTEMPT', details: { currentAttempt: 2 } });
    const current = await ask({ CallSid: 'sid-new', CustomField: `${callId}:2` });
    expect(current.status).toBe(200);
    expect(current.body.url).toContain(`/ws/exotel/voice/${callId}/2?token=`);
  });

  it('refuses a CallSid that is not the attempt\'s call', async () => {
    const callId = await startCall();
    await harness.setCallState(callId, { phase: 'in_progress', attempt: 1, callSid: 'sid-real' });
    const res = await ask({ CallSid: 'sid-forged', CustomField: `${callId}:1` });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CALL_SID_MISMATCH');
  });

  it('refuses a call that is not connecting', async () => {
    const callId = await startCall();
    const res = await ask({ CallSid: 'sid', CustomField: `${callId}:1` });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'ATTEMPT_NOT_CONNECTING', details: { phase: 'waiting_for_line' } });
  });

  it('answers 409 for a finished call, 404 for an unknown one and 400 without a usable CustomField', async () => {
    const callId = await startCall();
    await harness.finishCall(callId);
    const finished = await ask({ CallSid: 'sid', CustomField: `${callId}:1` });
    expect(finished.status).toBe(409);
    expect(finished.body.error.code).toBe('CALL_ALREADY_FINISHED');
    const unknown = await ask({ CallSid: 'sid', CustomField: 'call_neverstarted:1' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('CALL_NOT_FOUND');
    const missing = await ask({ CallSid: 'sid' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('VALIDATION_ERROR');
    const withoutSid = await ask({ CustomField: `${callId}:1` });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('VALIDATION_ERROR');
    expect(withoutSid.status).toBe(400);
    expect(withoutSid.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: ['CallSid'] })]));
    const malformed = await ask({ CallSid: 'sid', CustomField: 'no-attempt' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('INVALID_CUSTOM_FIELD');
  });

  it('answers 503 when Temporal does not answer', async () => {
    const app = harness.makeApp({ client: await unreachableTemporalClient(), timeouts: { queryMs: 300 } });
    const res = await request(app).get('/api/v1/exotel/voicebot-url').query({ CustomField: 'call_any:1', CallSid: 'sid' });
    expect(res.status).toBe(503);
  });

  it('hands out nothing in connect mode, whatever the call state', async () => {
    const callId = await startCall();
    await harness.setCallState(callId, { phase: 'in_progress', attempt: 1, callSid: 'sid-real' });
    const app = harness.makeApp({ config: { EXOTEL_MODE: 'connect' } });
    const res = await request(app).get('/api/v1/exotel/voicebot-url').query({ CallSid: 'sid-real', CustomField: `${callId}:1` });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FLOW_MODE_ONLY');
    expect(res.body.url).toBeUndefined();
  });

  it('hands out nothing before the attempt rings, nor while its CallSid is unknown', async () => {
    const callId = await startCall();
    await harness.setCallState(callId, { phase: 'dialing', attempt: 1 });
    const dialing = await ask({ CallSid: 'sid-any', CustomField: `${callId}:1` });
    expect(dialing.status).toBe(409);
    expect(dialing.body.error).toMatchObject({ code: 'ATTEMPT_NOT_CONNECTING', details: { phase: 'dialing' } });
    await harness.setCallState(callId, { phase: 'ringing', attempt: 1 });
    const unknownSid = await ask({ CallSid: 'sid-any', CustomField: `${callId}:1` });
    expect(unknownSid.status).toBe(409);
    expect(unknownSid.body.error.code).toBe('CALL_SID_MISMATCH');
  });
});
