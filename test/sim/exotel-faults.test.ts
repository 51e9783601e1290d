import type { ExotelSimulator } from '../../sim/exotel/simulator';
import {
  BotServer,
  CALLER_ID,
  CallbackReceiver,
  dial,
  dialOk,
  simGet,
  simPost,
  sleep,
  startSimulator,
  waitFor,
  waitForStatus,
  type SimCall,
} from './exotel-helpers';

describe('Exotel simulator fault injection', () => {
  let simulator: ExotelSimulator;
  let bot: BotServer;
  let receiver: CallbackReceiver;
  let botUrl: string;
  let receiverUrl: string;

  beforeEach(async () => {
    bot = new BotServer();
    botUrl = await bot.start();
    bot.onConnection = ({ socket }) => {
      setTimeout(() => socket.close(), 100);
    };
    receiver = new CallbackReceiver();
    receiverUrl = await receiver.start();
    simulator = await startSimulator();
  });

  afterEach(async () => {
    await simulator.stop();
    await bot.stop();
    await receiver.stop();
  });

  function dialParams(customField: string, number = '+919845012000'): Record<string, string> {
    return {
      From: number,
      CallerId: CALLER_ID,
      StreamUrl: `${botUrl}/ws?token=t`,
      StreamType: 'bidirectional',
      CustomField: customField,
      StatusCallback: `${receiverUrl}/hook`,
      'StatusCallbackEvents[0]': 'answered',
      'StatusCallbackEvents[1]': 'terminal',
      StatusCallbackContentType: 'application/json',
    };
  }

  async function setFaults(faults: unknown): Promise<void> {
    const answer = await simPost(simulator, '/sim/faults', faults);
    expect(answer.status).toBe(200);
  }

  async function completedCall(customField: string): Promise<SimCall> {
    const call = await dialOk(simulator, dialParams(customField));
    await waitForStatus(simulator, call.Sid, 'completed');
    // Give every callback, retries and duplicates included, time to land.
    await sleep(150);
    return simGet<SimCall>(simulator, `/sim/calls/${call.Sid}`);
  }

  it('drops the terminal callback of the next call only', async () => {
    await setFaults({ webhooks: [{ action: 'drop', event: 'terminal', count: 1 }] });
    const first = await completedCall('drop:1');
    expect(receiver.forCall(first.sid).map((callback) => callback.fields.EventType)).toEqual(['answered']);
    expect(first.callbacks.find((entry) => entry.event === 'terminal')).toMatchObject({ outcome: 'dropped', faults: ['drop'] });

    const second = await completedCall('drop:2');
    expect(receiver.forCall(second.sid).map((callback) => callback.fields.EventType)).toEqual(['answered', 'terminal']);
    expect(await simGet(simulator, '/sim/stats')).toMatchObject({ callbacksDropped: 1 });
    expect((await simGet<{ webhooks: unknown[] }>(simulator, '/sim/faults')).webhooks).toEqual([]);
  });

  it('drops every callback with drop-all', async () => {
    await setFaults({ webhooks: [{ action: 'drop' }] });
    const call = await completedCall('drop-all:1');
    expect(receiver.forCall(call.sid)).toEqual([]);
    expect(await simGet(simulator, '/sim/stats')).toMatchObject({ callbacksDropped: 2, callbacksSent: 0 });
  });

  it('duplicates callbacks', async () => {
    await setFaults({ webhooks: [{ action: 'duplicate', event: 'terminal' }] });
    const call = await completedCall('dup:1');
    const received = receiver.forCall(call.sid);
    expect(received.map((callback) => callback.fields.EventType)).toEqual(['answered', 'terminal', 'terminal']);
    expect(received[1].fields).toEqual(received[2].fields);
  });

  it('reorders: the terminal callback arrives before the answered one', async () => {
    await setFaults({ webhooks: [{ action: 'reorder', count: 1 }] });
    const call = await completedCall('reorder:1');
    const received = receiver.forCall(call.sid);
    expect(received.map((callback) => [callback.fields.EventType, callback.fields.Status])).toEqual([
      ['terminal', 'completed'],
      ['answered', 'in-progress'],
    ]);
  });

  it('delays callbacks by the given time', async () => {
    await setFaults({ webhooks: [{ action: 'delay', delayMs: 400, event: 'answered' }] });
    const call = await dialOk(simulator, dialParams('delay:1'));
    const answered = await waitForStatus(simulator, call.Sid, 'in-progress');
    const callback = await waitFor(() => receiver.forCall(call.Sid).find((c) => c.fields.EventType === 'answered'), 'answered callback');
    expect(callback.receivedAt - Date.parse(String(answered.answeredAt))).toBeGreaterThanOrEqual(390);
  });

  it('applies probabilistic faults deterministically for a seed', async () => {
    const droppedFor = async (seed: number): Promise<boolean[]> => {
      await simulator.stop();
      simulator = await startSimulator({ seed, faults: { webhooks: [{ action: 'drop', probability: 0.5 }] } });
      const outcomes: boolean[] = [];
      for (let i = 0; i < 6; i += 1) {
        const call = await dialOk(simulator, dialParams(`p:${i}`, '+919845012001'));
        await waitForStatus(simulator, call.Sid, 'busy');
        const state = await simGet<SimCall>(simulator, `/sim/calls/${call.Sid}`);
        outcomes.push(state.callbacks[0]?.outcome === 'dropped');
      }
      return outcomes;
    };
    const first = await droppedFor(42);
    const again = await droppedFor(42);
    expect(again).toEqual(first);
    expect(first).toContain(true);
    expect(first).toContain(false);
  });

  it('answers the next API requests with an injected status and places no call', async () => {
    await setFaults({ api: [{ action: 'status', status: 503, count: 1, endpoint: 'connect' }, { action: 'status', status: 429, count: 1 }] });
    const unavailable = await dial(simulator, dialParams('api:1'));
    expect(unavailable.status).toBe(503);
    expect(unavailable.json<{ RestException: { Status: number } }>().RestException.Status).toBe(503);
    expect((await dial(simulator, dialParams('api:2'))).status).toBe(429);
    expect((await dial(simulator, dialParams('api:3'))).status).toBe(200);
    expect(await simGet(simulator, '/sim/stats')).toMatchObject({ totalDials: 1, dialsByCustomField: { 'api:3': 1 }, apiFaultsInjected: 2 });
  });

  it('hangs a request without answering and without placing the call', async () => {
    await setFaults({ api: [{ action: 'hang', ms: 200, count: 1 }] });
    const startedAt = Date.now();
    await expect(dial(simulator, dialParams('hang:1'))).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(190);
    expect((await simGet(simulator, '/sim/stats')).totalDials).toBe(0);
  });

  it('hangs a request it does carry out: the call is placed, the answer comes late', async () => {
    await setFaults({ api: [{ action: 'hang', ms: 300, process: true, count: 1 }] });
    const startedAt = Date.now();
    const answer = await dial(simulator, dialParams('hang:2'));
    expect(answer.status).toBe(200);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
    expect((await simGet(simulator, '/sim/stats')).dialsByCustomField).toEqual({ 'hang:2': 1 });
  });

  it('refuses malformed fault rules with 400', async () => {
    const answer = await simPost(simulator, '/sim/faults', { webhooks: [{ action: 'explode' }] });
    expect(answer.status).toBe(400);
    expect((await simPost(simulator, '/sim/faults', { api: [{ action: 'status', status: 418 }] })).status).toBe(400);
  });
});
