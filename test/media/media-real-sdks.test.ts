import { randomBytes } from 'node:crypto';
import { createLogger } from '../../lib/logger';
import { createDeepgramStt } from '../../media-server/providers/deepgram-stt';
import { createDeepgramRestTts } from '../../media-server/providers/deepgram-tts-rest';
import { createDeepgramWsTts } from '../../media-server/providers/deepgram-tts-ws';
import { createOpenAiLlm } from '../../media-server/providers/openai-llm';
import { loadClip } from '../../sim/audio/clip-library';
import { createDeepgramSimulator, type DeepgramSimulator } from '../../sim/deepgram/simulator';
import { createOpenAiSimulator, type OpenAiSimulator } from '../../sim/openai/simulator';
import { startMediaHarness, type MediaHarness } from './media-harness';

/**
 * The whole pipeline through the real `@deepgram/sdk` and `openai` SDKs, against the Deepgram and
 * OpenAI simulators: the caller's audio is real speech (the espeak clips), recognised by the Deepgram
 * simulator from the script registered under the Exotel call sid (the stream's `tag`).
 */
let deepgram: DeepgramSimulator;
let openai: OpenAiSimulator;

beforeAll(async () => {
  const quiet = createLogger('sim', { level: 'silent' });
  deepgram = createDeepgramSimulator({ exotelSimUrl: null, finalLatencyMs: 100, ttsFirstByteMs: 50, ttsMsPerChar: 40, logger: quiet });
  openai = createOpenAiSimulator({ ttftMs: 100, tokensPerSecond: 200, logger: quiet });
  await deepgram.start(0);
  await openai.start(0);
});

afterAll(async () => {
  await deepgram?.stop();
  await openai?.stop();
});

/** The caller's side of the line: silence, or a clip once asked to say it. */
class CallerVoice {
  private pending: Buffer = Buffer.alloc(0);

  say(clip: string): void {
    const samples = loadClip(clip, 8000);
    this.pending = Buffer.concat([this.pending, Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength)]);
  }

  next(bytes: number): Buffer {
    const chunk = Buffer.alloc(bytes);
    this.pending.copy(chunk, 0, 0, Math.min(bytes, this.pending.length));
    this.pending = this.pending.subarray(Math.min(bytes, this.pending.length));
    return chunk;
  }
}

async function post(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
}

describe.each([
  ['REST', createDeepgramRestTts],
  ['WebSocket', createDeepgramWsTts],
])('with speech synthesis over %s', (transport, createTts) => {
  let h: MediaHarness;

  beforeAll(async () => {
    h = await startMediaHarness(`real_sdks_${transport}`, {
      stt: createDeepgramStt({ apiKey: 'test-key', baseUrl: deepgram.baseUrl, model: 'nova-2-phonecall', endpointingMs: 300, utteranceEndMs: 1000 }),
      tts: createTts({ apiKey: 'test-key', baseUrl: deepgram.baseUrl }),
      llm: createOpenAiLlm({ apiKey: 'test-key', baseUrl: `${openai.baseUrl}/v1`, timeoutMs: 8_000, maxRetries: 1 }),
    });
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('holds a conversation through the real Deepgram and OpenAI SDKs and measures every stage', async () => {
    const callSid = randomBytes(16).toString('hex');
    await post(`${deepgram.baseUrl}/sim/scripts`, { key: callSid, utterances: ['Yes, this is Rahul.', 'Okay, thank you. Bye.'] });
    await post(`${openai.baseUrl}/sim/replies`, { match: 'Rahul', reply: 'Thanks, Rahul. Your payment is due on Friday.' });
    const call = await h.createCall({ greeting: 'Hello, am I speaking with Rahul?', goodbyeMessage: 'Goodbye, Rahul.' });
    const voice = new CallerVoice();
    const client = await h.connect(call.url, { callSid, callerAudio: (bytes) => voice.next(bytes) });
    client.start();

    await h.waitUntil(() => client.marksEchoed.length === 1, 'greeting played', 8_000);
    voice.say('cooperative-rahul');
    await h.waitUntil(() => client.marksEchoed.length === 3, 'reply played', 15_000);
    voice.say('cooperative-bye');
    const closed = await client.closed;
    expect(closed.code).toBe(1000);

    const { ended } = await h.ended(call.callId, 15_000);
    expect(ended[0].outcome).toBe('hangup_by_bot');
    const log = await h.callLog(call);
    const lines = (log?.transcript ?? []).map((t) => `${t.speaker}: ${t.text}`);
    // Deepgram endpoints at the clip's pause after "Yes,": the caller's second segment, arriving before
    // the bot spoke, replaces the reply begun on the first, so one reply answers both.
    const reply = lines.indexOf('bot: Thanks, Rahul. Your payment is due on Friday.');
    expect(lines[0]).toBe('bot: Hello, am I speaking with Rahul?');
    expect(lines.slice(1, reply).map((line) => line.replace('caller: ', '')).join(' ')).toBe('Yes, this is Rahul.');
    expect(lines.slice(reply + 1, -1).map((line) => line.replace('caller: ', '')).join(' ')).toBe('Okay, thank you. Bye.');
    expect(lines[lines.length - 1]).toBe('bot: Goodbye, Rahul.');

    const [first] = log?.latency ?? [];
    expect(first).toMatchObject({ turn: reply + 1 });
    // Simulated providers: final 100 ms after a 300 ms endpoint, first token at 100 ms, first audio byte at 50 ms.
    expect(first.sttFinalMs).toBeGreaterThanOrEqual(300);
    expect(first.sttFinalMs).toBeLessThan(1_000);
    expect(first.llmFirstTokenMs).toBeGreaterThanOrEqual(90);
    expect(first.ttsFirstByteMs).toBeGreaterThanOrEqual(40);
    expect(first.voiceToVoiceMs).toBeGreaterThan((first.sttFinalMs as number) + (first.llmFirstTokenMs as number));
    expect(first.voiceToVoiceMs).toBeLessThan(2_000);
  });
});

