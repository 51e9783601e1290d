import type { ExotelSimulator } from '../../sim/exotel/simulator';
import {
  ACCOUNT,
  API_KEY,
  CALLER_ID,
  basicAuth,
  connectUrl,
  dial,
  dialOk,
  request,
  simGet,
  simPost,
  startSimulator,
  waitForStatus,
} from './exotel-helpers';

const STREAM = { StreamUrl: 'ws://127.0.0.1:9/ws/exotel/voice/c1/1?token=abc', StreamType: 'bidirectional' };

describe('Exotel simulator REST API', () => {
  let simulator: ExotelSimulator;

  beforeEach(async () => {
    simulator = await startSimulator({ queuedMs: 5_000 });
  });

  afterEach(async () => {
    await simulator.stop();
  });

  it('refuses wrong credentials with a 401 RestException and places no call', async () => {
    const answer = await dial(simulator, { From: '+919845012000', CallerId: CALLER_ID, ...STREAM }, basicAuth(API_KEY, 'wrong'));
    expect(answer.status).toBe(401);
    expect(answer.json()).toEqual({ RestException: { Status: 401, Message: expect.any(String), Code: expect.any(Number) } });

    const missing = await request('POST', connectUrl(simulator), { body: 'From=9845012000' });
    expect(missing.status).toBe(401);
    expect((await simGet(simulator, '/sim/stats')).totalDials).toBe(0);
  });

  it('answers 404 for an account sid it does not know', async () => {
    const answer = await request('POST', connectUrl(simulator, 'someone-else'), {
      headers: { authorization: basicAuth(), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'From=9845012000',
    });
    expect(answer.status).toBe(404);
    expect(answer.json<{ RestException: { Status: number } }>().RestException.Status).toBe(404);
  });

  it.each([
    ['From missing', { CallerId: CALLER_ID, ...STREAM }],
    ['CallerId missing', { From: '+919845012000', ...STREAM }],
    ['both Url and StreamUrl', { From: '+919845012000', CallerId: CALLER_ID, ...STREAM, Url: 'http://my.exotel.com/x/exoml/start_voice/1' }],
    ['neither Url nor StreamUrl', { From: '+919845012000', CallerId: CALLER_ID }],
    ['From not a phone number', { From: 'not-a-number', CallerId: CALLER_ID, ...STREAM }],
    ['Indian number of the wrong length', { From: '+91984501200', CallerId: CALLER_ID, ...STREAM }],
    ['TimeLimit above 14400', { From: '+919845012000', CallerId: CALLER_ID, ...STREAM, TimeLimit: '14401' }],
    ['CustomField over 128 characters', { From: '+919845012000', CallerId: CALLER_ID, ...STREAM, CustomField: 'x'.repeat(129) }],
    ['StreamType not bidirectional', { From: '+919845012000', CallerId: CALLER_ID, StreamUrl: STREAM.StreamUrl }],
    ['StreamUrl not a WebSocket URL', { From: '+919845012000', CallerId: CALLER_ID, StreamUrl: 'http://x/y', StreamType: 'bidirectional' }],
    ['unknown status callback event', { From: '+919845012000', CallerId: CALLER_ID, ...STREAM, 'StatusCallbackEvents[0]': 'ringing' }],
  ])('refuses a dial with %s as 400 and places no call', async (_case, params) => {
    const answer = await dial(simulator, params as Record<string, string>);
    expect(answer.status).toBe(400);
    expect(answer.json<{ RestException: { Status: number; Message: string } }>().RestException).toMatchObject({ Status: 400 });
    expect((await simGet(simulator, '/sim/stats')).totalDials).toBe(0);
  });

  it('refuses the invalid-number scenario (…004) with 400 at the API', async () => {
    const answer = await dial(simulator, { From: '+919845012004', CallerId: CALLER_ID, ...STREAM });
    expect(answer.status).toBe(400);
    expect(answer.json<{ RestException: { Message: string; Code: number } }>().RestException).toEqual({
      Status: 400,
      Message: expect.stringContaining('not a valid phone number'),
      Code: 40003,
    });
    expect((await simGet(simulator, '/sim/stats')).totalDials).toBe(0);
  });

  it('places a call and answers the Call resource in Exotel shape', async () => {
    const answer = await dial(simulator, { From: '+919845012000', CallerId: CALLER_ID, ...STREAM, CustomField: 'call-1:1' });
    expect(answer.status).toBe(200);
    const call = answer.json<{ Call: Record<string, unknown> }>().Call;
    expect(call).toEqual({
      Sid: expect.stringMatching(/^[0-9a-f]{32}$/),
      ParentCallSid: null,
      DateCreated: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
      DateUpdated: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
      AccountSid: ACCOUNT,
      To: CALLER_ID,
      From: '+919845012000',
      PhoneNumberSid: CALLER_ID,
      Status: 'queued',
      StartTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
      EndTime: null,
      Duration: null,
      Price: null,
      Direction: 'outbound-api',
      AnsweredBy: null,
      ForwardedFrom: null,
      CallerName: null,
      Uri: `/v1/Accounts/${ACCOUNT}/Calls/${String(call.Sid)}.json`,
      RecordingUrl: null,
    });

    const details = await request('GET', `${simulator.baseUrl}/v1/Accounts/${ACCOUNT}/Calls/${String(call.Sid)}.json`, {
      headers: { authorization: basicAuth() },
    });
    expect(details.status).toBe(200);
    expect(details.json<{ Call: Record<string, unknown> }>().Call).toMatchObject({ Sid: call.Sid, Status: 'queued' });
  });

  it('accepts a multipart/form-data dial', async () => {
    const form = new FormData();
    form.append('From', '+919845012000');
    form.append('CallerId', CALLER_ID);
    form.append('StreamUrl', STREAM.StreamUrl);
    form.append('StreamType', 'bidirectional');
    form.append('CustomField', 'multipart:1');
    const encoded = new Request('http://encoder.invalid/', { method: 'POST', body: form });
    const answer = await request('POST', connectUrl(simulator), {
      headers: { authorization: basicAuth(), 'content-type': encoded.headers.get('content-type') as string },
      body: Buffer.from(await encoded.arrayBuffer()),
    });
    expect(answer.status).toBe(200);
    expect((await simGet(simulator, '/sim/stats')).dialsByCustomField).toEqual({ 'multipart:1': 1 });
  });

  it('answers XML when the path has no .json', async () => {
    const answer = await request('POST', `${simulator.baseUrl}/v1/Accounts/${ACCOUNT}/Calls/connect`, {
      headers: { authorization: basicAuth(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ From: '+919845012000', CallerId: CALLER_ID, ...STREAM }).toString(),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/xml/);
    expect(answer.text).toMatch(/<Call><Sid>[0-9a-f]{32}<\/Sid>/);
  });

  it('answers 404 for call details of an unknown sid', async () => {
    const answer = await request('GET', `${simulator.baseUrl}/v1/Accounts/${ACCOUNT}/Calls/${'0'.repeat(32)}.json`, {
      headers: { authorization: basicAuth() },
    });
    expect(answer.status).toBe(404);
    expect(answer.json<{ RestException: { Status: number } }>().RestException.Status).toBe(404);
  });

  it('reports DND from the scenario table in number metadata', async () => {
    const lookup = async (number: string) =>
      request('GET', `${simulator.baseUrl}/v1/Accounts/${ACCOUNT}/Numbers/${encodeURIComponent(number)}.json`, {
        headers: { authorization: basicAuth() },
      });
    const dnd = await lookup('+919845012008');
    expect(dnd.status).toBe(200);
    expect(dnd.json()).toEqual({
      Numbers: {
        PhoneNumber: '+919845012008',
        Circle: expect.any(String),
        CircleName: expect.any(String),
        Type: 'Mobile',
        Operator: expect.any(String),
        OperatorName: expect.any(String),
        DND: 'Yes',
      },
    });
    expect((await lookup('09845012000')).json<{ Numbers: { DND: string; PhoneNumber: string } }>().Numbers).toMatchObject({
      DND: 'No',
      PhoneNumber: '+919845012000',
    });
    await simPost(simulator, '/sim/scenarios', { number: '+919845012000', scenarios: ['dnd'] });
    expect((await lookup('+919845012000')).json<{ Numbers: { DND: string } }>().Numbers.DND).toBe('Yes');
  });
});

describe('Exotel simulator rate limit', () => {
  let simulator: ExotelSimulator;

  afterEach(async () => {
    await simulator.stop();
  });

  it('answers 429 beyond the per-minute limit across all endpoints, and the refused dial places no call', async () => {
    simulator = await startSimulator({ rateLimitPerMinute: 3, queuedMs: 5_000 });
    const params = { From: '+919845012000', CallerId: CALLER_ID, ...STREAM };
    expect((await dial(simulator, { ...params, CustomField: 'a' })).status).toBe(200);
    expect((await dial(simulator, { ...params, CustomField: 'b' })).status).toBe(200);
    const numbers = await request('GET', `${simulator.baseUrl}/v1/Accounts/${ACCOUNT}/Numbers/09845012000.json`, {
      headers: { authorization: basicAuth() },
    });
    expect(numbers.status).toBe(200);

    const refused = await dial(simulator, { ...params, CustomField: 'c' });
    expect(refused.status).toBe(429);
    expect(refused.json<{ RestException: { Status: number } }>().RestException.Status).toBe(429);

    const stats = await simGet(simulator, '/sim/stats');
    expect(stats).toMatchObject({ totalDials: 2, rateLimited: 1, dialsByCustomField: { a: 1, b: 1 } });
    expect((await simGet<{ calls: unknown[] }>(simulator, '/sim/calls')).calls).toHaveLength(2);
  });

  it('does not limit when rateLimitPerMinute is 0', async () => {
    simulator = await startSimulator({ rateLimitPerMinute: 0, queuedMs: 5_000 });
    for (let i = 0; i < 250; i += 1) {
      expect((await dial(simulator, { From: '+919845012000', CallerId: CALLER_ID, ...STREAM })).status).toBe(200);
    }
  });
});

describe('Exotel simulator call details', () => {
  let simulator: ExotelSimulator;

  afterEach(async () => {
    await simulator.stop();
  });

  it('fills EndTime and Duration once the call ended, and holds Duration back for durationLagMs', async () => {
    simulator = await startSimulator({ durationLagMs: 400 });
    const call = await dialOk(simulator, { From: '+919845012001', CallerId: CALLER_ID, ...STREAM });
    await waitForStatus(simulator, call.Sid, 'busy');
    const details = async () =>
      (
        await request('GET', `${simulator.baseUrl}/v1/Accounts/${ACCOUNT}/Calls/${call.Sid}.json?details=true`, {
          headers: { authorization: basicAuth() },
        })
      ).json<{ Call: Record<string, unknown> }>().Call;
    const early = await details();
    expect(early).toMatchObject({ Status: 'busy', EndTime: expect.any(String), Duration: null, Price: null });
    expect(early.Details).toMatchObject({ ConversationDuration: 0, Leg1Status: 'busy' });
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await details()).toMatchObject({ Status: 'busy', Duration: 0, Price: expect.any(String) });
  });
});
