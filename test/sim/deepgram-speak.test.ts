import { DeepgramClient, DeepgramError } from '@deepgram/sdk';
import type { DeepgramSimulator } from '../../sim/deepgram/simulator';
import { SAMPLE_RATE, rmsDbfs, sdkClient, sendPaced, simStats, sleep, startDeepgramSimulator, waitFor } from './deepgram-helpers';

const TEXT = 'Hello there, how are you today?';
const MS_PER_CHAR = 65;

/** Bytes of 16-bit mono PCM the simulator promises for `text`: characters × 65 ms at the sample rate. */
function expectedPcmBytes(text: string, sampleRate = SAMPLE_RATE): number {
  return Math.round(((text.length * MS_PER_CHAR) / 1000) * sampleRate) * 2;
}

async function readAll(stream: ReadableStream<Uint8Array>, onFirst: () => void): Promise<Buffer> {
  const reader = stream.getReader();
  const chunks: Buffer[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    if (chunks.length === 0) onFirst();
    chunks.push(Buffer.from(value));
  }
}

describe('Deepgram simulator: Aura TTS over REST through @deepgram/sdk', () => {
  let simulator: DeepgramSimulator;
  let dg: DeepgramClient;

  beforeEach(async () => {
    simulator = await startDeepgramSimulator({ ttsFirstByteMs: 150 });
    dg = sdkClient(simulator);
  });

  afterEach(async () => {
    await simulator.stop();
  });

  it('streams raw PCM as long as the text, first byte after ttsFirstByteMs, faster than real time', async () => {
    // The first fetch of a process loads its HTTP stack; measure a warm client, as a media server's is.
    await (await dg.speak.v1.audio.generate({ text: 'Hi.', model: 'aura-2-thalia-en', encoding: 'linear16', sample_rate: SAMPLE_RATE, container: 'none' })).arrayBuffer();
    const startedAt = Date.now();
    const { data, rawResponse } = await dg.speak.v1.audio
      .generate({ text: TEXT, model: 'aura-2-thalia-en', encoding: 'linear16', sample_rate: SAMPLE_RATE, container: 'none' })
      .withRawResponse();
    let firstByteAt = 0;
    const pcm = await readAll(data.stream() as ReadableStream<Uint8Array>, () => (firstByteAt = Date.now()));
    const doneAt = Date.now();

    expect(rawResponse.status).toBe(200);
    expect(rawResponse.headers.get('dg-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(rawResponse.headers.get('dg-char-count')).toBe(String(TEXT.length));
    expect(pcm.length).toBe(expectedPcmBytes(TEXT));
    expect(pcm.subarray(0, 4).toString('ascii')).not.toBe('RIFF');
    expect(firstByteAt - startedAt).toBeGreaterThanOrEqual(140);
    // Bounded loosely: a loaded 2-core CI machine added 300 ms here; the figure itself is bench:media's.
    expect(firstByteAt - startedAt).toBeLessThan(1_000);
    const audioMs = (pcm.length / 2 / SAMPLE_RATE) * 1000;
    expect(doneAt - startedAt).toBeLessThan(audioMs / 2);
    // Speech-like level: well above a VAD's threshold, well below clipping.
    expect(rmsDbfs(pcm)).toBeGreaterThan(-30);
    expect(rmsDbfs(pcm)).toBeLessThan(-12);
    expect(await simStats(simulator)).toMatchObject({ ttsRequests: 2, charactersSynthesized: 3 + TEXT.length });
  });

  it('prepends a correct WAV header with container=wav', async () => {
    const data = await dg.speak.v1.audio.generate({ text: TEXT, model: 'aura-2-thalia-en', encoding: 'linear16', sample_rate: 16000, container: 'wav' });
    const wav = Buffer.from(await data.arrayBuffer());
    const pcmBytes = expectedPcmBytes(TEXT, 16000);
    expect(wav.length).toBe(44 + pcmBytes);
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(36 + pcmBytes);
    expect(wav.subarray(8, 16).toString('ascii')).toBe('WAVEfmt ');
    expect(wav.readUInt16LE(22)).toBe(1);
    expect(wav.readUInt32LE(24)).toBe(16000);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.readUInt32LE(40)).toBe(pcmBytes);
  });

  it('gives the same audio for the same text', async () => {
    const request = { text: TEXT, model: 'aura-2-thalia-en', encoding: 'linear16' as const, sample_rate: SAMPLE_RATE, container: 'none' as const };
    const first = Buffer.from(await (await dg.speak.v1.audio.generate(request)).arrayBuffer());
    const second = Buffer.from(await (await dg.speak.v1.audio.generate(request)).arrayBuffer());
    expect(first.equals(second)).toBe(true);
  });

  it('refuses more than 2000 characters (413), empty text (400) and a missing key (401)', async () => {
    const request = { model: 'aura-2-thalia-en', encoding: 'linear16' as const, sample_rate: SAMPLE_RATE, container: 'none' as const };
    await expect(dg.speak.v1.audio.generate({ ...request, text: 'a'.repeat(2001) })).rejects.toMatchObject({ statusCode: 413 });
    await expect(dg.speak.v1.audio.generate({ ...request, text: ' ' })).rejects.toMatchObject({ statusCode: 400 });
    const anonymous = new DeepgramClient({ baseUrl: simulator.baseUrl, auth: false });
    const refused = await anonymous.speak.v1.audio.generate({ ...request, text: TEXT }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(DeepgramError);
    expect(refused).toMatchObject({ statusCode: 401, body: { err_code: 'INVALID_AUTH' } });
    // Exactly 2000 characters is allowed.
    const longest = await dg.speak.v1.audio.generate({ ...request, text: 'a'.repeat(2000) });
    expect(longest.stream()).not.toBeNull();
    expect(await simStats(simulator)).toMatchObject({ ttsRequestsRefused: 3 });
  });

  it('speaks audio that the live STT hears as one utterance', async () => {
    const data = await dg.speak.v1.audio.generate({ text: 'Yes, I can talk now.', model: 'aura-2-thalia-en', encoding: 'linear16', sample_rate: SAMPLE_RATE, container: 'none' });
    const speech = Buffer.from(await data.arrayBuffer());
    const socket = await dg.listen.v1.connect({ model: 'nova-2-phonecall', encoding: 'linear16', sample_rate: SAMPLE_RATE, interim_results: 'true', endpointing: 300, vad_events: 'true', reconnectAttempts: 0 });
    const messages: { type: string; is_final?: boolean; speech_final?: boolean }[] = [];
    socket.on('message', (message) => messages.push(message as (typeof messages)[number]));
    socket.connect();
    await socket.waitForOpen();
    await sendPaced((chunk) => socket.sendMedia(chunk), Buffer.concat([speech, Buffer.alloc(16 * 800)]));
    await waitFor(() => messages.some((message) => message.speech_final), 'the speech final');
    expect(messages.filter((message) => message.type === 'SpeechStarted')).toHaveLength(1);
    expect(messages.filter((message) => message.type === 'Results' && message.is_final)).toHaveLength(1);
    socket.close();
  });
});

type SpeakSocket = Awaited<ReturnType<DeepgramClient['speak']['v1']['connect']>>;

interface SpeakEvent {
  at: number;
  json?: { type: string; sequence_id?: number; code?: string };
  audioBytes?: number;
}

async function openSpeak(dg: DeepgramClient): Promise<{ socket: SpeakSocket; events: SpeakEvent[]; closes: number[] }> {
  const socket = await dg.speak.v1.connect({ model: 'aura-2-thalia-en', encoding: 'linear16', sample_rate: '8000', reconnectAttempts: 0 });
  const events: SpeakEvent[] = [];
  const closes: number[] = [];
  socket.on('message', (message) => {
    // v5 hands binary audio over as a Blob; its size is known at once, so order is kept.
    if (message instanceof Blob) events.push({ at: Date.now(), audioBytes: message.size });
    else events.push({ at: Date.now(), json: message as SpeakEvent['json'] });
  });
  socket.on('close', (event) => closes.push(event.code));
  socket.connect();
  await socket.waitForOpen();
  return { socket, events, closes };
}

function audioBytes(events: SpeakEvent[]): number {
  return events.reduce((sum, event) => sum + (event.audioBytes ?? 0), 0);
}

function jsonOfType(events: SpeakEvent[], type: string): SpeakEvent[] {
  return events.filter((event) => event.json?.type === type);
}

describe('Deepgram simulator: Aura TTS over WebSocket through @deepgram/sdk', () => {
  let simulator: DeepgramSimulator;
  let dg: DeepgramClient;

  beforeEach(async () => {
    simulator = await startDeepgramSimulator({ ttsFirstByteMs: 150 });
    dg = sdkClient(simulator);
  });

  afterEach(async () => {
    await simulator.stop();
  });

  it('answers Speak + Flush with the audio, then Flushed; flushes play in order', async () => {
    const { socket, events } = await openSpeak(dg);
    await waitFor(() => jsonOfType(events, 'Metadata').length === 1, 'Metadata');
    expect(events[0].json).toMatchObject({ type: 'Metadata', model_name: 'aura-2-thalia-en' });

    const flushedAt = Date.now();
    socket.sendText({ type: 'Speak', text: 'Hello there, ' });
    socket.sendText({ type: 'Speak', text: 'how are you today?' });
    socket.sendFlush({ type: 'Flush' });
    socket.sendText({ type: 'Speak', text: 'Good.' });
    socket.sendFlush({ type: 'Flush' });
    await waitFor(() => jsonOfType(events, 'Flushed').length === 2, 'two Flushed');

    const flushed = jsonOfType(events, 'Flushed');
    expect(flushed.map((event) => event.json?.sequence_id)).toEqual([0, 1]);
    const firstAudio = events.find((event) => event.audioBytes !== undefined);
    expect((firstAudio?.at ?? 0) - flushedAt).toBeGreaterThanOrEqual(140);
    const firstFlushIndex = events.indexOf(flushed[0]);
    expect(audioBytes(events.slice(0, firstFlushIndex))).toBe(expectedPcmBytes(TEXT));
    expect(audioBytes(events.slice(firstFlushIndex))).toBe(expectedPcmBytes('Good.'));
    expect(await simStats(simulator)).toMatchObject({ ttsConnections: 1, ttsOpen: 1, ttsFlushes: 2, charactersSynthesized: TEXT.length + 5 });
    socket.close();
  });

  it('answers Clear with Cleared and stops the audio being streamed', async () => {
    const { socket, events } = await openSpeak(dg);
    const long = 'This is a long answer that the caller interrupts before it is over. '.repeat(4);
    socket.sendText({ type: 'Speak', text: long });
    socket.sendFlush({ type: 'Flush' });
    await waitFor(() => events.some((event) => event.audioBytes !== undefined), 'the first audio');
    socket.sendClear({ type: 'Clear' });
    await waitFor(() => jsonOfType(events, 'Cleared').length === 1, 'Cleared');
    await sleep(500);

    const cleared = jsonOfType(events, 'Cleared')[0];
    expect(cleared.json?.sequence_id).toBe(1);
    expect(events.slice(events.indexOf(cleared) + 1).some((event) => event.audioBytes !== undefined)).toBe(false);
    expect(audioBytes(events)).toBeGreaterThan(0);
    expect(audioBytes(events)).toBeLessThan(expectedPcmBytes(long) / 2);
    expect(jsonOfType(events, 'Flushed')).toHaveLength(0);

    // The socket goes on: new text after the Clear is spoken.
    socket.sendText({ type: 'Speak', text: 'Sure.' });
    socket.sendFlush({ type: 'Flush' });
    await waitFor(() => jsonOfType(events, 'Flushed').length === 1, 'Flushed after Clear');
    expect(jsonOfType(events, 'Flushed')[0].json?.sequence_id).toBe(2);
    socket.close();
  });

  it('warns when Flush is used more than 20 times in 60 seconds, and ignores that Flush', async () => {
    await simulator.stop();
    simulator = await startDeepgramSimulator({ ttsFirstByteMs: 0 });
    const { socket, events } = await openSpeak(sdkClient(simulator));
    for (let i = 0; i < 21; i += 1) {
      socket.sendText({ type: 'Speak', text: 'Ok.' });
      socket.sendFlush({ type: 'Flush' });
    }
    await waitFor(() => jsonOfType(events, 'Warning').length === 1 && jsonOfType(events, 'Flushed').length === 20, 'twenty Flushed and a Warning');
    expect(jsonOfType(events, 'Warning')[0].json).toMatchObject({ type: 'Warning', code: 'FLUSH_LIMIT_EXCEEDED' });
    await sleep(200);
    expect(jsonOfType(events, 'Flushed')).toHaveLength(20);
    socket.close();
  });

  it('lets queued audio finish on Close, then closes normally', async () => {
    const { socket, events, closes } = await openSpeak(dg);
    socket.sendText({ type: 'Speak', text: 'Goodbye.' });
    socket.sendFlush({ type: 'Flush' });
    socket.sendClose({ type: 'Close' });
    await waitFor(() => closes.length > 0, 'the close');
    expect(closes[0]).toBe(1000);
    expect(jsonOfType(events, 'Flushed')).toHaveLength(1);
    expect(audioBytes(events)).toBe(expectedPcmBytes('Goodbye.'));
  });

  it('refuses the handshake without a key (401)', async () => {
    const socket = await new DeepgramClient({ baseUrl: simulator.baseUrl, auth: false }).speak.v1.connect({ model: 'aura-2-thalia-en', encoding: 'linear16', sample_rate: '8000', reconnectAttempts: 0 });
    const errors: string[] = [];
    socket.on('error', (error) => errors.push(error.message));
    socket.connect();
    await expect(socket.waitForOpen()).rejects.toBeDefined();
    expect(errors.join(' ')).toContain('401');
    socket.close();
  });
});
