import net from 'node:net';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type http from 'node:http';
import type { ExotelSimulator } from '../../sim/exotel/simulator';
import {
  ACCOUNT,
  BotServer,
  CALLER_ID,
  CallbackReceiver,
  closeServer,
  dialOk,
  listen,
  simGet,
  sleep,
  startSimulator,
  unusedPort,
  waitFor,
  waitForStatus,
  type BotConnection,
  type BotMessage,
  type SimCall,
} from './exotel-helpers';

/** 8 kHz, 16-bit mono: 16 bytes per millisecond. */
const BYTES_PER_MS = 16;

function botMedia(bytes: number): string {
  return JSON.stringify({ event: 'media', stream_sid: 's', media: { payload: Buffer.alloc(bytes).toString('base64') } });
}

function events(connection: BotConnection, name: string): BotMessage[] {
  return connection.messages.filter((message) => message.event === name);
}

describe('Exotel simulator media leg', () => {
  let simulator: ExotelSimulator;
  let bot: BotServer;
  let botUrl: string;
  let receiver: CallbackReceiver;
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

  async function answeredCall(streamUrl = `${botUrl}/ws/exotel/voice/c1/1?token=tok&sample-rate=8000`): Promise<{ sid: string; connection: BotConnection }> {
    const call = await dialOk(simulator, {
      From: '+919845012000',
      CallerId: CALLER_ID,
      StreamUrl: streamUrl,
      StreamType: 'bidirectional',
      CustomField: 'c1:1',
    });
    const connection = await waitFor(() => bot.connections[0], 'media connection');
    await waitFor(() => events(connection, 'start').length === 1, 'start event');
    return { sid: call.Sid, connection };
  }

  it('sends connected, start, then 100 ms media chunks at real-time pace', async () => {
    const { sid, connection } = await answeredCall();
    expect(connection.url).toBe('/ws/exotel/voice/c1/1?token=tok&sample-rate=8000');
    await sleep(1050);
    const [connected, start] = connection.messages;
    expect(connected).toMatchObject({ event: 'connected' });
    expect(start).toMatchObject({
      event: 'start',
      stream_sid: expect.any(String),
      start: {
        stream_sid: start.stream_sid,
        call_sid: sid,
        account_sid: ACCOUNT,
        from: '+919845012000',
        to: CALLER_ID,
        custom_parameters: { token: 'tok' },
        media_format: { encoding: 'base64', sample_rate: '8000', bit_rate: '128kbps' },
      },
    });

    const media = events(connection, 'media');
    expect(media.length).toBeGreaterThanOrEqual(7);
    expect(media.length).toBeLessThanOrEqual(11);
    media.forEach((message, index) => {
      const body = message.media as { chunk: number; timestamp: string; payload: string };
      expect(message.stream_sid).toBe(start.stream_sid);
      expect(body.chunk).toBe(index + 1);
      expect(Number(body.timestamp)).toBe(index * 100);
      expect(Buffer.from(body.payload, 'base64')).toEqual(Buffer.alloc(100 * BYTES_PER_MS));
    });
    const sequence = connection.messages.slice(1).map((message) => Number(message.sequence_number));
    expect(sequence).toEqual(sequence.map((_n, index) => sequence[0] + index));
    const spanMs = media[media.length - 1].receivedAt - media[0].receivedAt;
    expect(spanMs).toBeGreaterThanOrEqual((media.length - 1) * 100 - 50);
    expect(spanMs).toBeLessThanOrEqual((media.length - 1) * 100 + 150);
  });

  it('sizes chunks by the StreamUrl sample-rate', async () => {
    const { connection } = await answeredCall(`${botUrl}/ws?sample-rate=16000&a=1&b=2`);
    await waitFor(() => events(connection, 'media').length >= 2, 'media');
    const start = events(connection, 'start')[0].start as { media_format: unknown; custom_parameters: unknown };
    expect(start.media_format).toEqual({ encoding: 'base64', sample_rate: '16000', bit_rate: '256kbps' });
    expect(start.custom_parameters).toEqual({ a: '1', b: '2' });
    const payload = (events(connection, 'media')[0].media as { payload: string }).payload;
    expect(Buffer.from(payload, 'base64').length).toBe(3200);
  });

  it('echoes a mark only after the audio queued before it has played at real time', async () => {
    const { sid, connection } = await answeredCall();
    const sentAt = Date.now();
    for (let i = 0; i < 3; i += 1) connection.socket.send(botMedia(3200));
    connection.socket.send(JSON.stringify({ event: 'mark', stream_sid: 's', mark: { name: 'greeting-end' } }));
    const echo = await waitFor(() => events(connection, 'mark')[0], 'mark echo', 3000);
    expect(echo).toMatchObject({ event: 'mark', mark: { name: 'greeting-end' } });
    // Three 3200-byte chunks are 600 ms of 8 kHz audio.
    expect(echo.receivedAt - sentAt).toBeGreaterThanOrEqual(580);
    expect(echo.receivedAt - sentAt).toBeLessThan(1200);

    const idleMarkAt = Date.now();
    connection.socket.send(JSON.stringify({ event: 'mark', streamSid: 's', mark: { name: 'nothing-queued' } }));
    const idleEcho = await waitFor(() => events(connection, 'mark')[1], 'second mark echo');
    expect(idleEcho.receivedAt - idleMarkAt).toBeLessThan(250);

    const state = await simGet<SimCall>(simulator, `/sim/calls/${sid}`);
    expect(state.media).toMatchObject({ connected: true, bytesReceived: 9600, bytesPlayed: 9600, marksReceived: 2, marksEchoed: ['greeting-end', 'nothing-queued'] });
  });

  it('drops unplayed audio and forgets pending marks on clear', async () => {
    const { sid, connection } = await answeredCall();
    for (let i = 0; i < 10; i += 1) connection.socket.send(botMedia(3200));
    connection.socket.send(JSON.stringify({ event: 'mark', stream_sid: 's', mark: { name: 'cleared-away' } }));
    await sleep(300);
    connection.socket.send(JSON.stringify({ event: 'clear', stream_sid: 's' }));
    connection.socket.send(JSON.stringify({ event: 'mark', stream_sid: 's', mark: { name: 'after-clear' } }));
    await waitFor(() => events(connection, 'mark').length === 1, 'echo of the mark after clear');
    await sleep(2100);
    expect(events(connection, 'mark').map((message) => (message.mark as { name: string }).name)).toEqual(['after-clear']);

    const { media } = await simGet<SimCall>(simulator, `/sim/calls/${sid}`);
    expect(media?.clearsReceived).toBe(1);
    expect(media?.bytesReceived).toBe(32_000);
    // About 300 ms had played when clear came: the rest of the 2 s was dropped.
    expect(media?.bytesPlayed).toBeGreaterThan(250 * BYTES_PER_MS);
    expect(media?.bytesPlayed).toBeLessThan(700 * BYTES_PER_MS);
    expect((media?.bytesPlayed ?? 0) + (media?.bytesCleared ?? 0)).toBe(32_000);
    expect(media?.marksEchoed).toEqual(['after-clear']);
  });

  it('ends the call as completed when the bot closes the socket, and stops streaming', async () => {
    const { sid, connection } = await answeredCall();
    connection.socket.close();
    const ended = await waitForStatus(simulator, sid, 'completed');
    expect(ended.endReason).toBe('bot-hung-up');
    expect(ended.media?.closedBy).toBe('bot');
    const chunks = ended.media?.chunksSent;
    await sleep(250);
    expect((await simGet<SimCall>(simulator, `/sim/calls/${sid}`)).media?.chunksSent).toBe(chunks);
  });

  it('retries an unreachable StreamUrl once, then ends the call completed with a short duration', async () => {
    const port = await unusedPort();
    const call = await dialOk(simulator, {
      From: '+919845012000',
      CallerId: CALLER_ID,
      StreamUrl: `ws://127.0.0.1:${port}/ws`,
      StreamType: 'bidirectional',
      StatusCallback: `${receiverUrl}/hook`,
      'StatusCallbackEvents[0]': 'answered',
      'StatusCallbackEvents[1]': 'terminal',
      StatusCallbackContentType: 'application/json',
    });
    const ended = await waitForStatus(simulator, call.Sid, 'completed');
    expect(ended.endReason).toBe('media-connect-failed');
    expect(ended.media).toMatchObject({ connected: false, connectAttempts: 2 });
    expect(ended.media?.connectErrors).toHaveLength(2);
    await waitFor(() => receiver.forCall(call.Sid).length === 2, 'callbacks');
    const [answered, terminal] = receiver.forCall(call.Sid);
    expect(answered.fields.EventType).toBe('answered');
    expect(terminal.fields).toMatchObject({ EventType: 'terminal', Status: 'completed', ConversationDuration: 0 });
  });

  it('gives up on a server that accepts TCP but never upgrades, after the connect timeout and one retry', async () => {
    await simulator.stop();
    simulator = await startSimulator({ mediaConnectTimeoutMs: 150, mediaRetryDelayMs: 50 });
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const startedAt = Date.now();
      const call = await dialOk(simulator, {
        From: '+919845012000',
        CallerId: CALLER_ID,
        StreamUrl: `ws://127.0.0.1:${(silent.address() as AddressInfo).port}/ws`,
        StreamType: 'bidirectional',
      });
      const ended = await waitForStatus(simulator, call.Sid, 'completed');
      expect(ended.endReason).toBe('media-connect-failed');
      expect(ended.media?.connectAttempts).toBe(2);
      expect(sockets.size).toBe(2);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(150 * 2 + 50);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('Exotel simulator media leg in flow mode', () => {
  let simulator: ExotelSimulator;
  let bot: BotServer;
  let voicebotEndpoint: http.Server;
  const lookups: Record<string, string>[] = [];

  beforeAll(async () => {
    bot = new BotServer();
    const botUrl = await bot.start();
    const app = express();
    app.get('/api/v1/exotel/voicebot-url', (req, res) => {
      lookups.push(req.query as Record<string, string>);
      res.json({ url: `${botUrl}/ws/exotel/voice/c9/3?token=flow-token` });
    });
    voicebotEndpoint = await listen(app);
    simulator = await startSimulator({
      voicebotUrl: `http://127.0.0.1:${(voicebotEndpoint.address() as AddressInfo).port}/api/v1/exotel/voicebot-url`,
    });
  });

  afterAll(async () => {
    await simulator.stop();
    await bot.stop();
    await closeServer(voicebotEndpoint);
  });

  it('asks the Voicebot URL for the WebSocket, then streams to it', async () => {
    const call = await dialOk(simulator, {
      From: '+919845012000',
      CallerId: CALLER_ID,
      Url: `http://my.exotel.com/${ACCOUNT}/exoml/start_voice/12345`,
      CustomField: 'c9:3',
    });
    const connection = await waitFor(() => bot.connections[0], 'media connection');
    expect(lookups).toEqual([{ CallSid: call.Sid, CallFrom: '+919845012000', CallTo: CALLER_ID, CustomField: 'c9:3' }]);
    expect(connection.url).toBe('/ws/exotel/voice/c9/3?token=flow-token');
    const start = await waitFor(() => events(connection, 'start')[0], 'start');
    expect(start.start).toMatchObject({ call_sid: call.Sid, custom_parameters: { token: 'flow-token' } });
    connection.socket.close();
    expect((await waitForStatus(simulator, call.Sid, 'completed')).endReason).toBe('bot-hung-up');
  });
});
