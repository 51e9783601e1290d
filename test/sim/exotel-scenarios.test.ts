import type { ExotelSimulator } from '../../sim/exotel/simulator';
import {
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

describe('Exotel simulator scenarios', () => {
  let simulator: ExotelSimulator;
  let bot: BotServer;
  let receiver: CallbackReceiver;
  let botUrl: string;
  let receiverUrl: string;

  beforeEach(async () => {
    bot = new BotServer();
    botUrl = await bot.start();
    receiver = new CallbackReceiver();
    receiverUrl = await receiver.start();
    simulator = await startSimulator();
  });

  afterEach(async () => {
    await simulator.stop();
    await bot.stop();
    await receiver.stop();
  });

  function dialParams(number: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
      From: number,
      CallerId: CALLER_ID,
      StreamUrl: `${botUrl}/ws?token=t`,
      StreamType: 'bidirectional',
      StatusCallback: `${receiverUrl}/hook`,
      'StatusCallbackEvents[0]': 'answered',
      'StatusCallbackEvents[1]': 'terminal',
      StatusCallbackContentType: 'application/json',
      ...extra,
    };
  }

  it('plays a programmed sequence one dial at a time, repeating the last: busy, busy, answer', async () => {
    const programmed = await simPost(simulator, '/sim/scenarios', { number: '+91 98450 12345', scenarios: ['busy', 'busy', 'answer'] });
    expect(programmed.status).toBe(200);
    expect(programmed.json()).toMatchObject({ number: '+919845012345' });

    const outcomes: string[] = [];
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const call = await dialOk(simulator, dialParams('09845012345', { CustomField: `retry:${attempt}` }));
      const ended = await waitFor(async () => {
        const state = await simGet<{ status: string }>(simulator, `/sim/calls/${call.Sid}`);
        if (state.status === 'in-progress') bot.connections.at(-1)?.socket.close();
        return ['busy', 'completed'].includes(state.status) ? state.status : undefined;
      }, `attempt ${attempt} to end`);
      outcomes.push(ended);
    }
    expect(outcomes).toEqual(['busy', 'busy', 'completed', 'completed']);
    expect((await simGet(simulator, '/sim/stats')).dialsByCustomField).toEqual({ 'retry:1': 1, 'retry:2': 1, 'retry:3': 1, 'retry:4': 1 });
  });

  it('refuses a malformed scenario programme with 400', async () => {
    const unknown = await simPost(simulator, '/sim/scenarios', { number: '+919845012345', scenarios: ['sing'] });
    expect(unknown.status).toBe(400);
    expect(unknown.json<{ error: { code: string } }>().error.code).toBe('invalid_request');
    expect((await simPost(simulator, '/sim/scenarios', { number: '+919845012345', scenarios: [] })).status).toBe(400);
    expect((await simPost(simulator, '/sim/scenarios', { number: 'nope', scenarios: ['busy'] })).status).toBe(400);
  });

  it('hangs up for the callee (…007): stop with reason callended, then close, call completed', async () => {
    const call = await dialOk(simulator, dialParams('+919845012007'));
    const ended = await waitForStatus(simulator, call.Sid, 'completed');
    expect(ended.endReason).toBe('callee-hung-up');
    const connection = await waitFor(() => bot.connections[0], 'media connection');
    await waitFor(() => connection.socket.readyState === connection.socket.CLOSED, 'socket closed by the simulator');
    const stop = connection.messages.at(-1);
    expect(stop).toMatchObject({ event: 'stop', stop: { call_sid: call.Sid, account_sid: expect.any(String), reason: 'callended' } });
    expect(ended.media?.closedBy).toBe('simulator');
  });

  it('takes hang-up time from a programmed scenario parameter', async () => {
    await simPost(simulator, '/sim/scenarios', { number: '+919845012345', scenarios: [{ name: 'hang-up', hangUpAfterMs: 50 }] });
    const call = await dialOk(simulator, dialParams('+919845012345'));
    const answered = await waitForStatus(simulator, call.Sid, 'in-progress');
    const ended = await waitForStatus(simulator, call.Sid, 'completed');
    expect(ended.endReason).toBe('callee-hung-up');
    const talkMs = Date.parse(String(ended.endedAt)) - Date.parse(String(answered.answeredAt));
    expect(talkMs).toBeGreaterThanOrEqual(45);
    expect(talkMs).toBeLessThan(1000);
  });

  it('ends an answered call at TimeLimit as completed', async () => {
    const call = await dialOk(simulator, dialParams('+919845012006', { TimeLimit: '1' }));
    await waitForStatus(simulator, call.Sid, 'in-progress');
    const ended = await waitForStatus(simulator, call.Sid, 'completed', 3000);
    expect(ended.endReason).toBe('time-limit');
    expect(bot.connections[0].messages.at(-1)).toMatchObject({ event: 'stop', stop: { reason: 'callended' } });
  });

  it.each([
    ['voicemail', '+919845012005'],
    ['silent', '+919845012006'],
    ['answer', '+919845012000'],
    ['answer (any other ending)', '+919845012987'],
  ])('answers the %s scenario and stays on the line until the bot hangs up', async (_name, number) => {
    const call = await dialOk(simulator, dialParams(number));
    await waitForStatus(simulator, call.Sid, 'in-progress');
    const connection = await waitFor(() => bot.connections[0], 'media connection');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await simGet<{ status: string }>(simulator, `/sim/calls/${call.Sid}`)).status).toBe('in-progress');
    connection.socket.close();
    expect((await waitForStatus(simulator, call.Sid, 'completed')).endReason).toBe('bot-hung-up');
  });

  it('fails a promotional call to a DND number (…008) and connects a transactional one', async () => {
    const promo = await dialOk(simulator, dialParams('+919845012008', { CallType: 'promo' }));
    expect((await waitForStatus(simulator, promo.Sid, 'failed')).endReason).toBe('dnd-blocked');
    const trans = await dialOk(simulator, dialParams('+919845012008', { CallType: 'trans' }));
    await waitForStatus(simulator, trans.Sid, 'in-progress');
  });

  it('lets the control endpoint hang up for the callee', async () => {
    const call = await dialOk(simulator, dialParams('+919845012000'));
    expect((await request('POST', `${simulator.baseUrl}/sim/calls/${call.Sid}/hang-up`)).status).toBe(409);
    await waitForStatus(simulator, call.Sid, 'in-progress');
    expect((await request('POST', `${simulator.baseUrl}/sim/calls/${call.Sid}/hang-up`)).status).toBe(200);
    expect((await simGet<{ endReason: string }>(simulator, `/sim/calls/${call.Sid}`)).endReason).toBe('callee-hung-up');
  });

  it('counts dials per CustomField and the peak of simultaneous live calls', async () => {
    const sids: string[] = [];
    for (const customField of ['a:1', 'b:1', 'a:1']) {
      sids.push((await dialOk(simulator, dialParams('+919845012000', { CustomField: customField }))).Sid);
    }
    await waitFor(() => bot.connections.length === 3, 'three media connections');
    expect(await simGet(simulator, '/sim/stats')).toMatchObject({ totalDials: 3, dialsByCustomField: { 'a:1': 2, 'b:1': 1 }, liveCalls: 3, maxLiveCalls: 3 });
    for (const connection of bot.connections) connection.socket.close();
    await Promise.all(sids.map((sid) => waitForStatus(simulator, sid, 'completed')));
    expect(await simGet(simulator, '/sim/stats')).toMatchObject({ liveCalls: 0, maxLiveCalls: 3, endedCalls: { completed: 3 } });

    expect((await simPost(simulator, '/sim/reset', {})).status).toBe(200);
    expect(await simGet(simulator, '/sim/stats')).toMatchObject({ totalDials: 0, dialsByCustomField: {}, maxLiveCalls: 0 });
    expect((await simGet<{ calls: unknown[] }>(simulator, '/sim/calls')).calls).toEqual([]);
  });
});
