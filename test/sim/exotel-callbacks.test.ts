import type { ExotelSimulator } from '../../sim/exotel/simulator';
import {
  ACCOUNT,
  basicAuth,
  BotServer,
  CALLER_ID,
  CallbackReceiver,
  dialOk,
  request,
  simGet,
  simPost,
  startSimulator,
  waitFor,
  waitForStatus,
} from './exotel-helpers';

/** How Ringline subscribes: both events, its own routing parameters in the callback URL. */
function subscription(receiverUrl: string, contentType?: string): Record<string, string> {
  return {
    StatusCallback: `${receiverUrl}/api/v1/webhooks/exotel/call-status?call=c1&attempt=2&sig=abc123`,
    'StatusCallbackEvents[0]': 'answered',
    'StatusCallbackEvents[1]': 'terminal',
    ...(contentType ? { StatusCallbackContentType: contentType } : {}),
  };
}

describe('Exotel simulator status callbacks', () => {
  let simulator: ExotelSimulator;
  let receiver: CallbackReceiver;
  let bot: BotServer;
  let receiverUrl: string;
  let botUrl: string;

  beforeEach(async () => {
    receiver = new CallbackReceiver();
    receiverUrl = await receiver.start();
    bot = new BotServer();
    botUrl = await bot.start();
    // The bot talks for 150 ms, then hangs up by closing the socket.
    bot.onConnection = ({ socket }) => {
      setTimeout(() => socket.close(), 150);
    };
    simulator = await startSimulator();
  });

  afterEach(async () => {
    await simulator.stop();
    await bot.stop();
    await receiver.stop();
  });

  function stream(): Record<string, string> {
    return { StreamUrl: `${botUrl}/ws/exotel/voice/c1/2?token=t`, StreamType: 'bidirectional' };
  }

  it('sends answered then terminal as JSON, CustomField on terminal only, the URL used exactly as given', async () => {
    const call = await dialOk(simulator, {
      From: '+919845012000',
      CallerId: CALLER_ID,
      ...stream(),
      CustomField: 'c1:2',
      ...subscription(receiverUrl, 'application/json'),
    });
    const callbacks = await waitFor(() => (receiver.forCall(call.Sid).length >= 2 ? receiver.forCall(call.Sid) : undefined), 'two callbacks');
    const [answered, terminal] = callbacks;

    for (const callback of callbacks) {
      expect(callback.path).toBe('/api/v1/webhooks/exotel/call-status');
      expect(callback.query).toEqual({ call: 'c1', attempt: '2', sig: 'abc123' });
      expect(callback.contentType).toMatch(/^application\/json/);
    }
    expect(answered.fields).toEqual({
      CallSid: call.Sid,
      Status: 'in-progress',
      EventType: 'answered',
      DateCreated: expect.any(String),
      DateUpdated: expect.any(String),
      From: '+919845012000',
      To: CALLER_ID,
      PhoneNumberSid: CALLER_ID,
      StartTime: expect.any(String),
      EndTime: null,
      ConversationDuration: 0,
      Direction: 'outbound-api',
      RecordingUrl: null,
      Legs: [{ OnCallDuration: 0, Status: 'in-progress', AnsweredBy: null }],
    });
    expect(answered.fields).not.toHaveProperty('CustomField');
    expect(terminal.fields).toMatchObject({
      CallSid: call.Sid,
      Status: 'completed',
      EventType: 'terminal',
      EndTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
      Legs: [{ OnCallDuration: expect.any(Number), Status: 'completed', AnsweredBy: null }],
      CustomField: 'c1:2',
    });
    expect((await waitForStatus(simulator, call.Sid, 'completed')).endReason).toBe('bot-hung-up');
    expect(receiver.forCall(call.Sid)).toHaveLength(2);
  });

  it('sends multipart/form-data by default, with Legs flattened, carrying the same fields', async () => {
    const call = await dialOk(simulator, {
      From: '+919845012000',
      CallerId: CALLER_ID,
      ...stream(),
      CustomField: 'c1:2',
      ...subscription(receiverUrl),
    });
    const [answered, terminal] = await waitFor(
      () => (receiver.forCall(call.Sid).length >= 2 ? receiver.forCall(call.Sid) : undefined),
      'two callbacks',
    );
    expect(answered.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(answered.fields).toEqual({
      CallSid: call.Sid,
      Status: 'in-progress',
      EventType: 'answered',
      DateCreated: expect.any(String),
      DateUpdated: expect.any(String),
      From: '+919845012000',
      To: CALLER_ID,
      PhoneNumberSid: CALLER_ID,
      StartTime: expect.any(String),
      EndTime: '',
      ConversationDuration: '0',
      Direction: 'outbound-api',
      RecordingUrl: '',
      'Legs[0][OnCallDuration]': '0',
      'Legs[0][Status]': 'in-progress',
      'Legs[0][AnsweredBy]': '',
    });
    expect(terminal.fields).toMatchObject({
      Status: 'completed',
      EventType: 'terminal',
      'Legs[0][Status]': 'completed',
      CustomField: 'c1:2',
    });
    expect(terminal.query).toEqual({ call: 'c1', attempt: '2', sig: 'abc123' });
  });

  it("reports the account's answering-machine detection as the leg's AnsweredBy from the answered event on, and in call details", async () => {
    await simPost(simulator, '/sim/scenarios', { number: '+919845012777', scenarios: [{ name: 'voicemail', answeredBy: 'MACHINE' }] });
    const call = await dialOk(simulator, { From: '+919845012777', CallerId: CALLER_ID, ...stream(), CustomField: 'c1:2', ...subscription(receiverUrl) });
    const [answered, terminal] = await waitFor(() => (receiver.forCall(call.Sid).length >= 2 ? receiver.forCall(call.Sid) : undefined), 'two callbacks');
    expect(answered.fields).toMatchObject({ EventType: 'answered', 'Legs[0][AnsweredBy]': 'MACHINE' });
    expect(terminal.fields).toMatchObject({ EventType: 'terminal', 'Legs[0][AnsweredBy]': 'MACHINE' });
    const details = await request('GET', `${simulator.baseUrl}/v1/Accounts/${ACCOUNT}/Calls/${call.Sid}.json?details=true`, { headers: { authorization: basicAuth() } });
    expect(details.json()).toMatchObject({ Call: { AnsweredBy: 'MACHINE', Details: { Legs: [{ AnsweredBy: 'MACHINE' }] } } });
  });

  it.each([
    ['busy', '+919845012001', {}],
    ['no-answer', '+919845012002', { TimeOut: '1' }],
    ['failed', '+919845012003', {}],
  ])('ends the %s scenario with a single terminal callback of that status', async (status, number, extra) => {
    const call = await dialOk(simulator, {
      From: number,
      CallerId: CALLER_ID,
      ...stream(),
      CustomField: `${status}:1`,
      ...extra,
      ...subscription(receiverUrl, 'application/json'),
    });
    const ended = await waitForStatus(simulator, call.Sid, status, 3000);
    await waitFor(() => receiver.forCall(call.Sid).length === 1, 'terminal callback');
    expect(receiver.forCall(call.Sid)[0].fields).toMatchObject({ Status: status, EventType: 'terminal', CustomField: `${status}:1`, ConversationDuration: 0 });
    expect(ended.media).toBeNull();
    expect(bot.connections).toHaveLength(0);
  });

  it('rings a no-answer call for the dial TimeOut', async () => {
    const dialledAt = Date.now();
    const call = await dialOk(simulator, { From: '+919845012002', CallerId: CALLER_ID, ...stream(), TimeOut: '1' });
    await waitForStatus(simulator, call.Sid, 'ringing');
    await waitForStatus(simulator, call.Sid, 'no-answer', 3000);
    expect(Date.now() - dialledAt).toBeGreaterThanOrEqual(1000);
  });

  it('lets TimeOut cut a callee that would answer too late', async () => {
    await simulator.stop();
    simulator = await startSimulator({ ringMs: 5000 });
    const call = await dialOk(simulator, { From: '+919845012000', CallerId: CALLER_ID, ...stream(), TimeOut: '1' });
    expect((await waitForStatus(simulator, call.Sid, 'no-answer', 3000)).endReason).toBe('rang-out');
  });

  it('sends only the classic end-of-call callback when no events are subscribed', async () => {
    const call = await dialOk(simulator, {
      From: '+919845012001',
      CallerId: CALLER_ID,
      ...stream(),
      CustomField: 'classic:1',
      StatusCallback: `${receiverUrl}/hook?x=1`,
      StatusCallbackContentType: 'application/json',
    });
    await waitFor(() => receiver.forCall(call.Sid).length === 1, 'classic callback');
    expect(receiver.forCall(call.Sid)[0].fields).toEqual({
      CallSid: call.Sid,
      Status: 'busy',
      DateUpdated: expect.any(String),
      RecordingUrl: null,
    });
  });

  it('retries a callback twice when the receiver answers non-2xx, then gives up', async () => {
    receiver.answerWith = () => 500;
    const call = await dialOk(simulator, { From: '+919845012001', CallerId: CALLER_ID, ...stream(), ...subscription(receiverUrl) });
    await waitFor(async () => (await simGet(simulator, '/sim/stats')).callbacksFailed === 1, 'callback given up');
    expect(receiver.forCall(call.Sid)).toHaveLength(3);
    expect(await simGet(simulator, '/sim/stats')).toMatchObject({ callbacksSent: 3, callbacksDelivered: 0, callbacksFailed: 1 });
    const state = await simGet<{ callbacks: { attempt: number; outcome: string; httpStatus: number }[] }>(simulator, `/sim/calls/${call.Sid}`);
    expect(state.callbacks.map(({ attempt, outcome, httpStatus }) => ({ attempt, outcome, httpStatus }))).toEqual([
      { attempt: 1, outcome: 'rejected', httpStatus: 500 },
      { attempt: 2, outcome: 'rejected', httpStatus: 500 },
      { attempt: 3, outcome: 'rejected', httpStatus: 500 },
    ]);
  });

  it('retries a callback the receiver does not answer in time, and stops once it succeeds', async () => {
    await simulator.stop();
    simulator = await startSimulator({ callbackTimeoutMs: 100 });
    let answers = 0;
    receiver.answerAfterMs = () => {
      answers += 1;
      return answers === 1 ? 300 : 0;
    };
    receiver.answerWith = () => 204;
    const call = await dialOk(simulator, { From: '+919845012001', CallerId: CALLER_ID, ...stream(), ...subscription(receiverUrl) });
    await waitFor(async () => (await simGet(simulator, '/sim/stats')).callbacksDelivered === 1, 'callback delivered');
    expect(receiver.forCall(call.Sid)).toHaveLength(2);
    expect(await simGet(simulator, '/sim/stats')).toMatchObject({ callbacksSent: 2, callbacksFailed: 0 });
    const state = await simGet<{ callbacks: { attempt: number; outcome: string }[] }>(simulator, `/sim/calls/${call.Sid}`);
    expect(state.callbacks.map(({ attempt, outcome }) => ({ attempt, outcome }))).toEqual([
      { attempt: 1, outcome: 'timeout' },
      { attempt: 2, outcome: 'delivered' },
    ]);
  });
});
