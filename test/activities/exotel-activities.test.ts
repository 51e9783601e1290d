import { MockActivityEnvironment } from '@temporalio/testing';
import mongoose from 'mongoose';
import { connectDatabase, disconnectDatabase } from '../../db/connection';
import { addToDoNotCallList } from '../../db/do-not-call-list';
import { parseConfig } from '../../domain/config';
import { generateSecrets } from '../../lib/generated-secrets';
import { ExotelApi } from '../../activities/exotel-api';
import { connectParameters, createExotelActivities } from '../../activities/exotel';
import { createLogger } from '../../lib/logger';
import { verifyMediaToken, verifyStatusCallback } from '../../lib/hmac-auth';
import { freePort } from '../../scripts/infra/free-port';
import { createExotelSimulator, type ExotelSimulator } from '../../sim/exotel/simulator';
import { testDatabaseUri } from '../helpers/test-infra';

/** The real Exotel client against the Exotel simulator over HTTP; the do-not-call list in the test database. */
describe('Exotel activities', () => {
  let sim: ExotelSimulator;
  const config = parseConfig({ ...generateSecrets(), PUBLIC_API_URL: 'http://127.0.0.1:1', PUBLIC_MEDIA_WS_URL: 'ws://127.0.0.1:2' });
  const request = { callId: 'call_abc', attempt: 2, phoneNumber: '+919876543000', maxCallDurationSec: 300, ringTimeoutSec: 20 };
  /** Activities run inside a mock activity context, as a worker would run them. */
  const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
    new MockActivityEnvironment().run(fn, ...args);
  const apiFor = (overrides: Partial<ConstructorParameters<typeof ExotelApi>[0]> = {}) =>
    new ExotelApi({ baseUrl: sim.baseUrl, accountSid: 'ringline-sim', apiKey: 'sim-key', apiToken: 'sim-token', timeoutMs: 2_000, ...overrides });

  beforeAll(async () => {
    sim = createExotelSimulator({
      logger: createLogger('exotel-sim', { level: 'silent' }),
      queuedMs: 10,
      ringMs: 10,
      callbackDelayMs: 5,
      rateLimitPerMinute: 0,
      mediaConnectTimeoutMs: 200,
      mediaRetryDelayMs: 10,
    });
    await sim.start(0);
    await connectDatabase(testDatabaseUri('exotel-activities'));
  });
  afterAll(async () => {
    await sim?.stop();
    await mongoose.connection.db?.dropDatabase();
    await disconnectDatabase();
  });
  beforeEach(() => sim.reset());

  it('asks Exotel for a two-channel recording when the attempt is recorded', () => {
    const params = connectParameters({ ...request, record: true }, config, Date.now());
    expect(params).toMatchObject({ Record: 'true', RecordingChannels: 'dual' });
  });

  it('builds Connect Voice AI parameters with a signed callback URL and media URL', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    const params = connectParameters(request, config, now);
    expect(params).toMatchObject({
      From: '+919876543000',
      CallerId: config.EXOTEL_CALLER_ID,
      CallType: 'trans',
      TimeLimit: '300',
      TimeOut: '20',
      CustomField: 'call_abc:2',
      StreamType: 'bidirectional',
      'StatusCallbackEvents[0]': 'answered',
      'StatusCallbackEvents[1]': 'terminal',
      StatusCallbackContentType: 'application/json',
    });
    expect(params.Url).toBeUndefined();
    expect(params.Record).toBeUndefined();
    expect(params.RecordingChannels).toBeUndefined();
    const callback = new URL(params.StatusCallback);
    expect(callback.pathname).toBe('/api/v1/webhooks/exotel/call-status');
    expect(callback.searchParams.get('call')).toBe('call_abc');
    expect(callback.searchParams.get('attempt')).toBe('2');
    const signed = { callId: 'call_abc', attempt: 2, expiresAt: Number(callback.searchParams.get('exp')), sig: callback.searchParams.get('sig')! };
    // Signed for ring time + max call duration + grace, and not a second longer.
    expect(signed.expiresAt).toBe(now + (20 + 300 + config.STATUS_CALLBACK_GRACE_SEC) * 1000);
    expect(verifyStatusCallback(config.WEBHOOK_SECRET, signed, now)).toEqual({ ok: true });
    expect(verifyStatusCallback(config.WEBHOOK_SECRET, signed, signed.expiresAt + 1)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyStatusCallback(config.WEBHOOK_SECRET, { ...signed, expiresAt: signed.expiresAt + 60_000 }, now)).toEqual({ ok: false, reason: 'bad_signature' });
    const stream = new URL(params.StreamUrl);
    expect(stream.pathname).toBe('/ws/exotel/voice/call_abc/2');
    const token = stream.searchParams.get('token')!;
    const check = verifyMediaToken(config.MEDIA_TOKEN_SECRET, 'call_abc', 2, token, now);
    expect(check).toEqual({ ok: true, claims: expect.objectContaining({ callId: 'call_abc', attempt: 2, expiresAt: now + (20 + config.MEDIA_TOKEN_TTL_SEC) * 1000 }) });
    expect(verifyMediaToken(config.MEDIA_TOKEN_SECRET, 'call_abc', 2, token, now + (21 + config.MEDIA_TOKEN_TTL_SEC) * 1000)).toEqual({ ok: false, reason: 'expired' });
    // Each attempt's URL carries its own nonce: two dials never share a single-use token.
    expect(new URL(connectParameters(request, config, now).StreamUrl).searchParams.get('token')).not.toBe(token);
    expect(params.StreamUrl.length).toBeLessThan(600);
  });

  it('sends Url and no StreamUrl in flow mode', () => {
    const flow = parseConfig({ ...generateSecrets(), EXOTEL_MODE: 'flow', EXOTEL_FLOW_URL: 'http://my.exotel.com/x/exoml/start_voice/1' });
    const params = connectParameters(request, flow, Date.now());
    expect(params.Url).toBe('http://my.exotel.com/x/exoml/start_voice/1');
    expect(params.StreamUrl).toBeUndefined();
  });

  it('places a call and reads its details', async () => {
    const activities = createExotelActivities(apiFor(), config);
    const result = await run(activities.dialAttempt, request);
    expect(result).toEqual({ outcome: 'accepted', callSid: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const details = await run(activities.fetchCallDetails, (result as { callSid: string }).callSid);
    expect(details.callSid).toBe((result as { callSid: string }).callSid);
    expect(typeof details.status).toBe('string');
  });

  it.each([
    ['invalid number', { phoneNumber: '+919876543004' }, {}, { outcome: 'rejected', reason: 'invalid_number' }],
    ['wrong credentials', {}, { apiToken: 'wrong' }, { outcome: 'rejected', reason: 'configuration_error' }],
    ['unknown account', {}, { accountSid: 'nobody' }, { outcome: 'rejected', reason: 'configuration_error' }],
  ])('maps %s', async (_name, requestOverrides, apiOverrides, expected) => {
    const activities = createExotelActivities(apiFor(apiOverrides), config);
    expect(await run(activities.dialAttempt, { ...request, ...requestOverrides })).toMatchObject(expected);
  });

  it.each([
    ['429', { api: [{ action: 'status', status: 429, count: 1 }] }, { outcome: 'rejected', reason: 'rate_limited' }],
    ['503', { api: [{ action: 'status', status: 503, count: 1 }] }, { outcome: 'unknown' }],
    ['a hang past the timeout', { api: [{ action: 'hang', ms: 3_000, count: 1 }] }, { outcome: 'unknown' }],
  ])('maps Exotel answering %s', async (_name, faults, expected) => {
    const res = await fetch(`${sim.baseUrl}/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
    expect(res.ok).toBe(true);
    const activities = createExotelActivities(apiFor(), config);
    expect(await run(activities.dialAttempt, request)).toMatchObject(expected);
  });

  it('maps a connection that was never made to a network error (safe to retry)', async () => {
    const closedPort = await freePort();
    const activities = createExotelActivities(apiFor({ baseUrl: `http://127.0.0.1:${closedPort}` }), config);
    expect(await run(activities.dialAttempt, request)).toMatchObject({ outcome: 'rejected', reason: 'network_error' });
  });

  it('counts exactly one dial per attempt at Exotel', async () => {
    const activities = createExotelActivities(apiFor(), config);
    await run(activities.dialAttempt, { ...request, attempt: 7 });
    const stats = (await (await fetch(`${sim.baseUrl}/sim/stats`)).json()) as { dialsByCustomField: Record<string, number> };
    expect(stats.dialsByCustomField['call_abc:7']).toBe(1);
  });

  it("refuses to dial a number on the organization's do-not-call list, and only in that organization", async () => {
    const listed = '+919876543100';
    await addToDoNotCallList('org_dnc', [{ phoneNumber: listed, reason: null, source: 'api', addedBy: null }]);
    const activities = createExotelActivities(apiFor(), config);
    expect(await run(activities.dialAttempt, { ...request, orgId: 'org_dnc', phoneNumber: listed, attempt: 3 })).toEqual({
      outcome: 'rejected',
      reason: 'dnd',
      detail: "the number is on the organization's do-not-call list",
    });
    expect(await run(activities.dialAttempt, { ...request, orgId: 'org_other', phoneNumber: listed, attempt: 4 })).toMatchObject({ outcome: 'accepted' });
    const stats = (await (await fetch(`${sim.baseUrl}/sim/stats`)).json()) as { dialsByCustomField: Record<string, number> };
    expect(stats.dialsByCustomField).toEqual({ 'call_abc:4': 1 });
  });
});
