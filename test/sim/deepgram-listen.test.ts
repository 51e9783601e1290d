import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeepgramClient } from '@deepgram/sdk';
import type { DeepgramSimulator } from '../../sim/deepgram/simulator';
import {
  SAMPLE_RATE,
  beep,
  jsonRequest,
  sdkClient,
  sendPaced,
  silence,
  simStats,
  sleep,
  startDeepgramSimulator,
  tone,
  waitFor,
} from './deepgram-helpers';

/** What the SDK hands to `on('message')`, with the wall-clock time it arrived. */
interface Received {
  at: number;
  message: {
    type: string;
    is_final?: boolean;
    speech_final?: boolean;
    from_finalize?: boolean;
    start?: number;
    duration?: number;
    timestamp?: number;
    last_word_end?: number;
    channel?: { alternatives: { transcript: string; words: { word: string; start: number; end: number; punctuated_word?: string }[] }[] };
  };
}

type ListenSocket = Awaited<ReturnType<DeepgramClient['listen']['v1']['connect']>>;

/** The connect call of DESIGN 7.2, with the script key in `tag`. */
async function openListen(client: DeepgramClient, overrides: Record<string, unknown> = {}): Promise<{ socket: ListenSocket; received: Received[]; closes: number[] }> {
  const socket = await client.listen.v1.connect({
    model: 'nova-2-phonecall',
    encoding: 'linear16',
    sample_rate: SAMPLE_RATE,
    channels: 1,
    interim_results: 'true',
    endpointing: 300,
    utterance_end_ms: '1000',
    vad_events: 'true',
    punctuate: 'true',
    smart_format: 'false',
    queryParams: { no_delay: 'true' },
    reconnectAttempts: 0,
    ...overrides,
  });
  const received: Received[] = [];
  const closes: number[] = [];
  socket.on('message', (message) => received.push({ at: Date.now(), message: message as Received['message'] }));
  socket.on('close', (event) => closes.push(event.code));
  socket.connect();
  await socket.waitForOpen();
  return { socket, received, closes };
}

function transcript(entry: Received): string {
  return entry.message.channel?.alternatives[0].transcript ?? '';
}

function finals(received: Received[]): Received[] {
  return received.filter(({ message }) => message.type === 'Results' && message.is_final && transcript({ at: 0, message }) !== '');
}

describe('Deepgram simulator: live transcription through @deepgram/sdk', () => {
  let simulator: DeepgramSimulator;

  afterEach(async () => {
    await simulator.stop();
  });

  it('turns paced speech into interims, then finals with the script, SpeechStarted and UtteranceEnd, on Deepgram timing', async () => {
    simulator = await startDeepgramSimulator({ finalLatencyMs: 300 });
    const script = ['Hello, is this Ravi?', 'Yes, I can talk now.'];
    expect((await jsonRequest('POST', `${simulator.baseUrl}/sim/scripts`, { key: 'call-script-1', utterances: script })).status).toBe(200);
    const { socket, received } = await openListen(sdkClient(simulator), { tag: 'call-script-1' });

    const lead = silence(200);
    const first = tone(1000);
    const gap = silence(700);
    const second = tone(800);
    const audio = Buffer.concat([lead, first, gap, second, silence(1600)]);
    const firstEnd = lead.length + first.length - 1;
    const secondEnd = firstEnd + gap.length + second.length;
    const [firstEndSentAt, secondEndSentAt] = await sendPaced((chunk) => socket.sendMedia(chunk), audio, [firstEnd, secondEnd]);
    await waitFor(() => received.some(({ message }) => message.type === 'UtteranceEnd'), 'UtteranceEnd');

    const results = received.filter(({ message }) => message.type === 'Results');
    const interims = results.filter(({ message }) => !message.is_final);
    const speechFinals = finals(received).filter(({ message }) => message.speech_final);
    expect(speechFinals.map(transcript)).toEqual(script);
    expect(finals(received)).toHaveLength(2);
    expect(speechFinals.every(({ message }) => message.from_finalize === false)).toBe(true);

    // Interims come while each utterance is spoken and reveal a growing prefix of it.
    const firstInterims = interims.filter(({ at }) => at < speechFinals[0].at).map(transcript);
    expect(firstInterims.length).toBeGreaterThanOrEqual(2);
    for (const text of firstInterims) expect(script[0].startsWith(text)).toBe(true);
    expect(firstInterims[0].length).toBeLessThan(firstInterims.at(-1)?.length ?? 0);
    expect(interims.some(({ at, message }) => at > speechFinals[0].at && script[1].startsWith(transcript({ at, message })))).toBe(true);

    // A final leaves endpointing (300 ms of silence) + finalLatencyMs (300 ms) after the speech ended.
    for (const [index, endSentAt] of [firstEndSentAt, secondEndSentAt].entries()) {
      const latency = speechFinals[index].at - endSentAt;
      expect(latency).toBeGreaterThanOrEqual(560);
      expect(latency).toBeLessThan(800);
    }

    // Words carry stream-relative times inside the speech they came from.
    const words = speechFinals[1].message.channel?.alternatives[0].words ?? [];
    expect(words.map((word) => word.punctuated_word)).toEqual(['Yes,', 'I', 'can', 'talk', 'now.']);
    expect(words.map((word) => word.word)).toEqual(['yes', 'i', 'can', 'talk', 'now']);
    expect(words[0].start).toBeCloseTo(1.9, 1);
    expect(words.at(-1)?.end).toBeCloseTo(2.7, 1);

    const speechStarted = received.filter(({ message }) => message.type === 'SpeechStarted');
    expect(speechStarted.map(({ message }) => message.timestamp)).toEqual([expect.closeTo(0.2, 1), expect.closeTo(1.9, 1)]);

    // One UtteranceEnd: the 700 ms gap is shorter than utterance_end_ms, the trailing silence is not.
    const utteranceEnds = received.filter(({ message }) => message.type === 'UtteranceEnd');
    expect(utteranceEnds).toHaveLength(1);
    expect(utteranceEnds[0].message.last_word_end).toBeCloseTo(2.7, 1);
    expect(utteranceEnds[0].at).toBeGreaterThan(speechFinals[1].at);

    // Result windows tile the stream: each starts where the previous final ended.
    const finalWindows = results.filter(({ message }) => message.is_final).map(({ message }) => [message.start ?? 0, (message.start ?? 0) + (message.duration ?? 0)]);
    for (let i = 1; i < finalWindows.length; i += 1) expect(finalWindows[i][0]).toBeCloseTo(finalWindows[i - 1][1], 3);

    const stats = await simStats(simulator);
    expect(stats).toMatchObject({ listenConnections: 1, listenOpen: 1, speechStarted: 2, utteranceEnds: 1, transcriptsSent: 2, scriptSources: { registered: 1, exotel: 0, generic: 0 } });
    expect(stats.audioSecondsReceived).toBeCloseTo(audio.length / 2 / SAMPLE_RATE, 2);
    socket.close();
  });

  it('cuts a script line at pauses longer than the endpoint, as Deepgram does, and keeps the script in step', async () => {
    // No provider latency: the audio goes in at once, and only the words and their order matter here.
    simulator = await startDeepgramSimulator({ finalLatencyMs: 0 });
    await jsonRequest('POST', `${simulator.baseUrl}/sim/scripts`, { key: 'call-pauses', utterances: ['Yes, this is Rahul.', 'When is my payment due?'] });
    const { socket, received } = await openListen(sdkClient(simulator), { tag: 'call-pauses' });
    // "Yes," — 400 ms pause (over the 300 ms endpoint, under the 600 ms line gap) — "this is Rahul."
    // — 1.2 s (the bot's turn) — "When is my payment due?"
    const audio = Buffer.concat([silence(200), tone(250), silence(400), tone(800), silence(1200), tone(1300), silence(1200)]);
    for (let offset = 0; offset < audio.length; offset += 320) socket.sendMedia(audio.subarray(offset, offset + 320));
    await waitFor(() => finals(received).length === 3, 'three finals');
    expect(finals(received).map((entry) => [transcript(entry), entry.message.speech_final])).toEqual([
      ['Yes,', true],
      ['this is Rahul.', true],
      ['When is my payment due?', true],
    ]);
    expect(received.filter(({ message }) => message.type === 'SpeechStarted')).toHaveLength(3);
    socket.close();
  });

  it('does not take a pure tone (an answering machine beep) for speech', async () => {
    simulator = await startDeepgramSimulator({ finalLatencyMs: 0 });
    await jsonRequest('POST', `${simulator.baseUrl}/sim/scripts`, { key: 'call-beep', utterances: ['Hello?'] });
    const { socket, received } = await openListen(sdkClient(simulator), { tag: 'call-beep' });
    const audio = Buffer.concat([silence(200), beep(500), silence(800), beep(300, 1025), silence(800), tone(500), silence(800)]);
    for (let offset = 0; offset < audio.length; offset += 320) socket.sendMedia(audio.subarray(offset, offset + 320));
    await waitFor(() => finals(received).length === 1, 'the final');
    await sleep(100);
    const speechStarted = received.filter(({ message }) => message.type === 'SpeechStarted');
    expect(speechStarted.map(({ message }) => message.timestamp)).toEqual([expect.closeTo(2.6, 1)]);
    expect(finals(received).map(transcript)).toEqual(['Hello?']);
    socket.close();
  });

  it('sends the pending final at once, marked from_finalize, when the client sends Finalize', async () => {
    simulator = await startDeepgramSimulator({ finalLatencyMs: 300 });
    await jsonRequest('POST', `${simulator.baseUrl}/sim/scripts`, { key: 'call-finalize', utterances: ['I would like to reschedule.'] });
    // A long endpoint: without Finalize the final would come about 1.3 s after the speech.
    const { socket, received } = await openListen(sdkClient(simulator), { tag: 'call-finalize', endpointing: 1000 });

    await sendPaced((chunk) => socket.sendMedia(chunk), Buffer.concat([silence(100), tone(900), silence(300)]));
    const finalizeSentAt = Date.now();
    socket.sendFinalize({ type: 'Finalize' });
    const final = await waitFor(() => finals(received)[0], 'the finalized result');
    expect(final.at - finalizeSentAt).toBeLessThan(150);
    expect(final.message).toMatchObject({ is_final: true, speech_final: false, from_finalize: true });
    expect(transcript(final)).toBe('I would like to reschedule.');

    // The utterance is over: the endpoint, when it comes, sends nothing more for it.
    await sendPaced((chunk) => socket.sendMedia(chunk), silence(1500));
    expect(finals(received)).toHaveLength(1);

    // With nothing pending, Finalize still answers, with an empty final.
    const before = received.length;
    socket.sendFinalize({ type: 'Finalize' });
    const empty = await waitFor(() => received.slice(before).find(({ message }) => message.type === 'Results'), 'the empty finalized result');
    expect(empty.message).toMatchObject({ is_final: true, from_finalize: true });
    expect(transcript(empty)).toBe('');
    expect(await simStats(simulator)).toMatchObject({ finalizes: 2 });
    socket.close();
  });

  it('closes an idle socket with 1011 (NET-0001), and KeepAlive keeps it open', async () => {
    simulator = await startDeepgramSimulator({ idleTimeoutMs: 400 });
    const { socket, closes } = await openListen(sdkClient(simulator));

    const keepAliveUntil = Date.now() + 1200;
    while (Date.now() < keepAliveUntil) {
      socket.sendKeepAlive({ type: 'KeepAlive' });
      await sleep(150);
    }
    expect(closes).toEqual([]);
    expect(socket.readyState).toBe(socket.socket.OPEN);

    const silentSince = Date.now();
    await waitFor(() => closes.length > 0, 'the idle close', 2000);
    expect(closes[0]).toBe(1011);
    expect(Date.now() - silentSince).toBeGreaterThanOrEqual(250);
    expect(await simStats(simulator)).toMatchObject({ idleTimeouts: 1 });
    expect((await simStats(simulator)).keepAlives).toBeGreaterThanOrEqual(7);
  });

  it('answers CloseStream with the open final, then Metadata, then a normal close', async () => {
    simulator = await startDeepgramSimulator({ finalLatencyMs: 300 });
    const { socket, received, closes } = await openListen(sdkClient(simulator), { tag: 'no-such-script' });
    await sendPaced((chunk) => socket.sendMedia(chunk), Buffer.concat([silence(100), tone(600), silence(60)]));
    socket.sendCloseStream({ type: 'CloseStream' });
    await waitFor(() => closes.length > 0, 'the close');
    expect(closes[0]).toBe(1000);

    const types = received.map(({ message }) => message.type);
    expect(types.at(-1)).toBe('Metadata');
    // Unknown script: generic words, still plausible text.
    expect(finals(received).map(transcript)).toEqual(['hello']);
    expect(received.at(-1)?.message).toMatchObject({ type: 'Metadata', channels: 1, duration: expect.closeTo(0.76, 2) });
    expect(await simStats(simulator)).toMatchObject({ scriptSources: { generic: 1 } });
  });

  it('takes the script of the Exotel simulator call named by the tag', async () => {
    const exotel = http.createServer((req, res) => {
      if (req.url === '/sim/calls/0f1e2d3c') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ sid: '0f1e2d3c', status: 'in-progress', script: ['Who is calling?'] }));
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    await new Promise<void>((resolve) => exotel.listen(0, '127.0.0.1', resolve));
    try {
      simulator = await startDeepgramSimulator({ exotelSimUrl: `http://127.0.0.1:${(exotel.address() as AddressInfo).port}` });
      const { socket, received } = await openListen(sdkClient(simulator), { tag: '0f1e2d3c' });
      await sendPaced((chunk) => socket.sendMedia(chunk), Buffer.concat([silence(100), tone(700), silence(700)]));
      const final = await waitFor(() => finals(received)[0], 'the final');
      expect(transcript(final)).toBe('Who is calling?');
      expect(await simStats(simulator)).toMatchObject({ scriptSources: { exotel: 1 } });
      socket.close();
    } finally {
      await new Promise<void>((resolve) => exotel.close(() => resolve()));
    }
  });

  it('refuses the handshake without a valid key, as Deepgram does (401)', async () => {
    simulator = await startDeepgramSimulator();
    for (const client of [new DeepgramClient({ baseUrl: simulator.baseUrl, auth: false }), sdkClient(simulator, 'wrong-key')]) {
      const socket = await client.listen.v1.connect({ model: 'nova-3', encoding: 'linear16', sample_rate: SAMPLE_RATE, reconnectAttempts: 0 });
      const errors: string[] = [];
      socket.on('error', (error) => errors.push(error.message));
      socket.connect();
      await expect(socket.waitForOpen()).rejects.toBeDefined();
      await waitFor(() => errors.length > 0, 'the error event');
      expect(errors[0]).toContain('401');
      socket.close();
    }
    expect(await simStats(simulator)).toMatchObject({ upgradesRefused: 2, listenConnections: 0 });
    // The key the SDK sends as "Token <key>" is accepted.
    const { socket } = await openListen(sdkClient(simulator));
    socket.close();
  });

  it('refuses parameters it cannot honour with 400', async () => {
    simulator = await startDeepgramSimulator();
    const socket = await sdkClient(simulator).listen.v1.connect({ model: 'nova-3', encoding: 'mulaw', sample_rate: SAMPLE_RATE, reconnectAttempts: 0 });
    const errors: string[] = [];
    socket.on('error', (error) => errors.push(error.message));
    socket.connect();
    await expect(socket.waitForOpen()).rejects.toBeDefined();
    await waitFor(() => errors.length > 0, 'the error event');
    expect(errors[0]).toContain('400');
    socket.close();
  });
});
