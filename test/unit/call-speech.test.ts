import { chooseCallVoice, openCallSpeech, type PremiumVoice } from '../../media-server/call-speech';
import { ConcurrencyLimiter } from '../../media-server/pipeline/concurrency-limiter';
import type { SpeechSynthesizer, SynthesizerOptions, TextToSpeech } from '../../media-server/pipeline/tts';
import type { SpokenBy, TtsFallbackReason } from '../../domain/speech/tts-provider';
import { createLogger } from '../../lib/logger';
import { agentProfile } from '../helpers/agent-profile';

const agent = agentProfile({
  id: 'agent_speech',
  ttsProvider: 'elevenlabs',
  elevenLabsVoiceId: 'voice-of-asha',
});

type Behaviour = 'ok' | 'limit' | 'error' | 'cut';

/** A provider whose next requests behave as `plan` says (then 'ok'), recording voice and text of each. */
class ScriptedTts implements TextToSpeech {
  readonly requests: string[] = [];
  constructor(
    private readonly name: string,
    private readonly plan: Behaviour[] = [],
  ) {}

  open(options: SynthesizerOptions): SpeechSynthesizer {
    const synthesize = async function* (this: ScriptedTts, text: string): AsyncIterable<Buffer> {
      this.requests.push(`${options.voice}: ${text}`);
      const behaviour = this.plan.shift() ?? 'ok';
      if (behaviour === 'limit') throw Object.assign(new Error('429'), { kind: 'limit' });
      if (behaviour === 'error') throw new Error('500');
      yield Buffer.from(`${this.name}:1`);
      if (behaviour === 'cut') throw new Error('connection reset');
      yield Buffer.from(`${this.name}:2`);
    };
    return { synthesize: synthesize.bind(this), close: () => undefined };
  }
}

function premiumOf(tts: TextToSpeech, limit = 10): PremiumVoice {
  return {
    tts,
    defaultVoiceId: 'default-voice',
    limiter: new ConcurrencyLimiter(limit),
    rules: { priorities: ['high'], vip: true },
    fallbackReasonOf: (err): TtsFallbackReason => ((err as { kind?: string }).kind === 'limit' ? 'concurrency_limit' : 'provider_error'),
  };
}

const options = { sampleRate: 8000, logger: createLogger('test', { level: 'silent' }) };

async function say(synthesizer: SpeechSynthesizer, text: string, signal = new AbortController().signal): Promise<{ audio: string; spokenBy?: SpokenBy; error?: string }> {
  const stream = synthesizer.synthesize(text, signal);
  const parts: string[] = [];
  try {
    for await (const pcm of stream) parts.push(pcm.toString());
  } catch (err) {
    return { audio: parts.join(' '), spokenBy: stream.spokenBy, error: (err as Error).message };
  }
  return { audio: parts.join(' '), ...(stream.spokenBy && { spokenBy: stream.spokenBy }) };
}

describe('openCallSpeech', () => {
  it('speaks a Deepgram call with Deepgram in the agent\'s Aura voice', async () => {
    const deepgram = new ScriptedTts('dg');
    const eleven = new ScriptedTts('el');
    const speech = openCallSpeech(deepgram, premiumOf(eleven), { provider: 'deepgram', voice: agent.voice }, agent, options);
    expect(await say(speech, 'Hello.')).toEqual({ audio: 'dg:1 dg:2', spokenBy: { provider: 'deepgram' } });
    expect(deepgram.requests).toEqual(['aura-2-thalia-en: Hello.']);
    expect(eleven.requests).toEqual([]);
  });

  it('speaks an ElevenLabs call with ElevenLabs in its voice while it has room, and holds a place only while a sentence streams', async () => {
    const premium = premiumOf(new ScriptedTts('el'), 1);
    const heard: SpokenBy[] = [];
    const speech = openCallSpeech(new ScriptedTts('dg'), premium, { provider: 'elevenlabs', voice: 'voice-of-asha' }, agent, { ...options, onSpoken: (by) => heard.push(by) });
    expect(await say(speech, 'One.')).toEqual({ audio: 'el:1 el:2', spokenBy: { provider: 'elevenlabs' } });
    expect(await say(speech, 'Two.')).toEqual({ audio: 'el:1 el:2', spokenBy: { provider: 'elevenlabs' } });
    expect(premium.limiter.inUse).toBe(0);
    expect(heard).toEqual([{ provider: 'elevenlabs' }, { provider: 'elevenlabs' }]);
  });

  it('sends a sentence to Deepgram at once when every place under the limit is taken, and to ElevenLabs again once one is free', async () => {
    const eleven = new ScriptedTts('el');
    const premium = premiumOf(eleven, 1);
    const speech = openCallSpeech(new ScriptedTts('dg'), premium, { provider: 'elevenlabs', voice: 'voice-of-asha' }, agent, options);
    const held = premium.limiter.tryAcquire() as () => void;
    expect(await say(speech, 'Busy.')).toEqual({ audio: 'dg:1 dg:2', spokenBy: { provider: 'deepgram', fallbackReason: 'concurrency_limit' } });
    expect(eleven.requests).toEqual([]);
    held();
    expect(await say(speech, 'Free.')).toMatchObject({ spokenBy: { provider: 'elevenlabs' } });
  });

  it("falls back sentence by sentence on ElevenLabs' concurrency answer, and for the rest of the call after an error", async () => {
    const eleven = new ScriptedTts('el', ['limit', 'ok', 'error', 'ok']);
    const premium = premiumOf(eleven);
    const speech = openCallSpeech(new ScriptedTts('dg'), premium, { provider: 'elevenlabs', voice: 'voice-of-asha' }, agent, options);
    expect((await say(speech, 'One.')).spokenBy).toEqual({ provider: 'deepgram', fallbackReason: 'concurrency_limit' });
    expect((await say(speech, 'Two.')).spokenBy).toEqual({ provider: 'elevenlabs' });
    expect(await say(speech, 'Three.')).toEqual({ audio: 'dg:1 dg:2', spokenBy: { provider: 'deepgram', fallbackReason: 'provider_error' } });
    expect((await say(speech, 'Four.')).spokenBy).toEqual({ provider: 'deepgram', fallbackReason: 'provider_error' });
    expect(eleven.requests).toEqual(['voice-of-asha: One.', 'voice-of-asha: Two.', 'voice-of-asha: Three.']);
    expect(premium.limiter.inUse).toBe(0);
  });

  it('cuts a sentence that fails after its audio started (no second voice mid-sentence) and moves the call to Deepgram', async () => {
    const deepgram = new ScriptedTts('dg');
    const speech = openCallSpeech(deepgram, premiumOf(new ScriptedTts('el', ['cut'])), { provider: 'elevenlabs', voice: 'voice-of-asha' }, agent, options);
    expect(await say(speech, 'Cut.')).toEqual({ audio: 'el:1', spokenBy: { provider: 'elevenlabs' }, error: 'connection reset' });
    expect(deepgram.requests).toEqual([]);
    expect((await say(speech, 'Next.')).spokenBy).toEqual({ provider: 'deepgram', fallbackReason: 'provider_error' });
  });

  it('does not fall back for a sentence aborted by a barge-in', async () => {
    const deepgram = new ScriptedTts('dg');
    const speech = openCallSpeech(deepgram, premiumOf(new ScriptedTts('el', ['error'])), { provider: 'elevenlabs', voice: 'voice-of-asha' }, agent, options);
    const controller = new AbortController();
    controller.abort();
    expect(await say(speech, 'Gone.', controller.signal)).toMatchObject({ error: '500' });
    expect(deepgram.requests).toEqual([]);
  });
});

describe('chooseCallVoice', () => {
  const call = { priority: 'medium' as const, metadata: {} };

  it("uses the agent's ElevenLabs voice, or the default voice when it names none", () => {
    expect(chooseCallVoice(agent, call, premiumOf(new ScriptedTts('el'))).voice).toEqual({ provider: 'elevenlabs', voice: 'voice-of-asha' });
    expect(chooseCallVoice({ ...agent, elevenLabsVoiceId: null }, call, premiumOf(new ScriptedTts('el'))).voice).toEqual({ provider: 'elevenlabs', voice: 'default-voice' });
  });

  it('speaks with Deepgram, saying why, when ElevenLabs is not configured', () => {
    expect(chooseCallVoice(agent, call, undefined)).toEqual({ choice: { provider: 'deepgram', reason: 'elevenlabs_unavailable' }, voice: { provider: 'deepgram', voice: 'aura-2-thalia-en' } });
  });
});
