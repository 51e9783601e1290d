import { randomBytes } from 'node:crypto';
import { parseConfig } from '../../domain/config';
import { generateSecrets } from '../../lib/generated-secrets';
import { createLogger } from '../../lib/logger';
import type { ConnectionPrewarmer } from '../../media-server/prewarm/connection-prewarmer';
import { createPrewarmedProviders } from '../../media-server/prewarm/prewarmed-providers';
import { PREWARMED_STREAM_TAG } from '../../media-server/providers/deepgram-stt';
import { loadClip } from '../../sim/audio/clip-library';
import { createDeepgramSimulator, type DeepgramSimulator } from '../../sim/deepgram/simulator';
import { createOpenAiSimulator, type OpenAiSimulator } from '../../sim/openai/simulator';
import { startMediaHarness, type MediaHarness } from './media-harness';

/**
 * Calls on the media server with the connection pool in front of the real `@deepgram/sdk` and `openai`
 * providers, against their simulators. A pooled Deepgram stream is opened before any call sid is known,
 * so it carries PREWARMED_STREAM_TAG: the simulator's script registered under that tag is what the
 * caller says on a call that took the pooled stream, and generic words are what it says on one that
 * opened its own (its call sid has no script).
 */
const SCRIPT = ['Yes, this is Rahul.', 'Okay, thank you. Bye.'];

let deepgram: DeepgramSimulator;
let openai: OpenAiSimulator;
let prewarmer: ConnectionPrewarmer;
let h: MediaHarness;

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

/** One scripted exchange: greeting, the caller's two lines, the reply and the goodbye; the caller's transcript lines. */
async function holdCall(callSid: string): Promise<string[]> {
  const call = await h.createCall({ greeting: 'Hello, am I speaking with Rahul?', goodbyeMessage: 'Goodbye, Rahul.' });
  const voice = new CallerVoice();
  const client = await h.connect(call.url, { callSid, callerAudio: (bytes) => voice.next(bytes) });
  client.start();
  await h.waitUntil(() => client.marksEchoed.length === 1, 'greeting played', 8_000);
  voice.say('cooperative-rahul');
  await h.waitUntil(() => client.marksEchoed.length === 3, 'reply played', 15_000);
  voice.say('cooperative-bye');
  await client.closed;
  await h.ended(call.callId, 15_000);
  const log = await h.callLog(call);
  return (log?.transcript ?? []).filter((t) => t.speaker === 'caller').map((t) => t.text);
}

beforeAll(async () => {
  const quiet = createLogger('sim', { level: 'silent' });
  deepgram = createDeepgramSimulator({ exotelSimUrl: null, finalLatencyMs: 100, ttsFirstByteMs: 50, ttsMsPerChar: 40, logger: quiet });
  openai = createOpenAiSimulator({ ttftMs: 100, tokensPerSecond: 200, logger: quiet });
  await Promise.all([deepgram.start(0), openai.start(0)]);
  const config = parseConfig({
    ...generateSecrets(),
    DEEPGRAM_BASE_URL: deepgram.baseUrl,
    OPENAI_BASE_URL: `${openai.baseUrl}/v1`,
    TTS_PROVIDER: 'deepgram-ws',
    PREWARM_POOL_STT_SIZE: '1',
    PREWARM_POOL_TTS_SIZE: '1',
  });
  const providers = createPrewarmedProviders(config, quiet);
  prewarmer = providers.prewarmer;
  h = await startMediaHarness('prewarmed_connections', { stt: providers.stt, tts: providers.tts, llm: providers.llm });
  await post(`${deepgram.baseUrl}/sim/scripts`, { key: PREWARMED_STREAM_TAG, utterances: SCRIPT });
  await post(`${openai.baseUrl}/sim/replies`, { match: 'Rahul', reply: 'Thanks, Rahul. Your payment is due on Friday.' });
}, 60_000);

afterAll(async () => {
  prewarmer?.stop();
  await h?.stop();
  await Promise.all([deepgram?.stop(), openai?.stop()]);
});

describe('a call on a media server with the connection pool', () => {
  it('takes the ready Deepgram stream and speak socket instead of opening its own', async () => {
    prewarmer.start();
    await h.waitUntil(() => prewarmer.status().stt.ready === 1 && prewarmer.status().tts.ready === 1, 'pool filled', 5_000);

    const caller = await holdCall(randomBytes(16).toString('hex'));

    // The pooled stream's script, not the generic words a stream of the call's own would have heard.
    expect(caller.join(' ')).toBe(SCRIPT.join(' '));
    expect(prewarmer.status()).toMatchObject({ stt: { hits: 1, misses: 0 }, tts: { hits: 1, misses: 0 } });
    // The pool refilled behind the call.
    await h.waitUntil(() => prewarmer.status().stt.ready === 1 && prewarmer.status().tts.ready === 1, 'pool refilled', 5_000);
  }, 60_000);

  it('never hands a call a pooled connection the provider has closed: the call opens a live one', async () => {
    prewarmer.start();
    await h.waitUntil(() => prewarmer.status().stt.ready === 1, 'pool filled', 5_000);
    const port = Number(new URL(deepgram.baseUrl).port);
    // The provider goes away and comes back: every pooled socket is closed under the pool.
    await deepgram.stop();
    await deepgram.start(port);
    await h.waitUntil(() => prewarmer.status().stt.ready === 0, 'pooled stream seen dead', 5_000);
    const callSid = randomBytes(16).toString('hex');
    await post(`${deepgram.baseUrl}/sim/scripts`, { key: callSid, utterances: SCRIPT });
    await post(`${deepgram.baseUrl}/sim/scripts`, { key: PREWARMED_STREAM_TAG, utterances: SCRIPT });
    await post(`${openai.baseUrl}/sim/replies`, { match: 'Rahul', reply: 'Thanks, Rahul. Your payment is due on Friday.' });

    // Whichever live stream the call gets (its own, or one the pool opened since), it hears the caller:
    // a dead one would leave the call deaf and the exchange would not complete.
    const caller = await holdCall(callSid);
    expect(caller.join(' ')).toBe(SCRIPT.join(' '));
    await h.waitUntil(() => prewarmer.status().stt.discarded.dead >= 1, 'dead stream discarded', 5_000);
  }, 60_000);
});
