import { Registry } from 'prom-client';
import type { PremiumVoice } from '../../media-server/call-speech';
import { GreetingCache } from '../../media-server/greeting-cache';
import { createMediaMetrics } from '../../media-server/metrics';
import { ConcurrencyLimiter } from '../../media-server/pipeline/concurrency-limiter';
import type { SpeechSynthesizer, SynthesizerOptions, TextToSpeech } from '../../media-server/pipeline/tts';
import { createLogger } from '../../lib/logger';
import { agentProfile } from '../helpers/agent-profile';

const agent = agentProfile({
  id: 'agent_cache_voices',
  greeting: 'Hello there.',
});

/** Answers every sentence with one byte naming the provider and voice, or fails while `failing`. */
class NamedTts implements TextToSpeech {
  failing = false;
  constructor(private readonly name: string) {}
  open(options: SynthesizerOptions): SpeechSynthesizer {
    const synthesize = async function* (this: NamedTts): AsyncIterable<Buffer> {
      if (this.failing) throw new Error('unavailable');
      yield Buffer.from(`${this.name}/${options.voice}`);
    };
    return { synthesize: synthesize.bind(this), close: () => undefined };
  }
}

describe('GreetingCache by provider and voice', () => {
  const rate = 8000;
  const deepgramVoice = { provider: 'deepgram' as const, voice: 'aura-2-thalia-en' };
  const rachel = { provider: 'elevenlabs' as const, voice: 'rachel' };
  const adam = { provider: 'elevenlabs' as const, voice: 'adam' };
  let eleven: NamedTts;
  let cache: GreetingCache;

  beforeEach(() => {
    eleven = new NamedTts('elevenlabs');
    const premium: PremiumVoice = {
      tts: eleven,
      defaultVoiceId: 'rachel',
      limiter: new ConcurrencyLimiter(10),
      rules: { priorities: [], vip: false },
      fallbackReasonOf: () => 'provider_error',
    };
    cache = new GreetingCache({ maxEntries: 10, tts: new NamedTts('deepgram'), premium, metrics: createMediaMetrics(new Registry()), logger: createLogger('test', { level: 'silent' }) });
  });

  it('keeps a prewarmed greeting under its provider and voice only', async () => {
    // The greeting and the default voicemail message (docs/voicemail.md) the agent leaves without one of its own.
    expect(await cache.prewarm(agent, {}, rate, rachel)).toBe(2);
    const hit = cache.lookup('greeting', agent, rate, 'Hello there.', rachel);
    expect(hit.hit && hit.segments.map((segment) => [segment.pcm.toString(), segment.spokenBy])).toEqual([['elevenlabs/rachel', { provider: 'elevenlabs' }]]);
    expect(cache.lookup('greeting', agent, rate, 'Hello there.', adam)).toEqual({ hit: false });
    expect(cache.lookup('greeting', agent, rate, 'Hello there.', deepgramVoice)).toEqual({ hit: false });
    expect(cache.lookup('greeting', agent, rate, 'Hello there.')).toEqual({ hit: false });
  });

  it("does not keep audio that fell back to Deepgram as ElevenLabs'", async () => {
    eleven.failing = true;
    await expect(cache.prewarm(agent, {}, rate, rachel)).rejects.toThrow('not made by elevenlabs');
    expect(cache.lookup('greeting', agent, rate, 'Hello there.', rachel)).toEqual({ hit: false });
    cache.store(agent, rate, 'Hello there.', [{ text: 'Hello there.', pcm: Buffer.from('x'), spokenBy: { provider: 'deepgram', fallbackReason: 'provider_error' } }], rachel);
    expect(cache.lookup('greeting', agent, rate, 'Hello there.', rachel)).toEqual({ hit: false });
    cache.store(agent, rate, 'Hello there.', [{ text: 'Hello there.', pcm: Buffer.from('y'), spokenBy: { provider: 'elevenlabs' } }], rachel);
    expect(cache.lookup('greeting', agent, rate, 'Hello there.', rachel)).toMatchObject({ hit: true });
  });

  it('keeps Deepgram audio under the agent\'s Aura voice by default, as before', async () => {
    expect(await cache.prewarm(agent, {}, rate)).toBe(2);
    expect(cache.lookup('greeting', agent, rate, 'Hello there.', deepgramVoice)).toMatchObject({ hit: true });
    expect(cache.lookup('greeting', agent, rate, 'Hello there.', rachel)).toEqual({ hit: false });
  });
});
