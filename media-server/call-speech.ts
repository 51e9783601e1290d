import type { Priority } from '../domain/priority';
import type { SpokenBy, TtsFallbackReason, TtsProvider } from '../domain/speech/tts-provider';
import { chooseTtsProvider, type PremiumVoiceRules, type TtsChoice } from '../domain/speech/tts-provider-choice';
import type { Logger } from '../lib/logger';
import type { AgentProfile } from './agent-profile';
import type { ConcurrencyLimiter } from './pipeline/concurrency-limiter';
import type { SpeechSynthesizer, SynthesisStream, TextToSpeech } from './pipeline/tts';

/** ElevenLabs as the media server has it configured (absent without ELEVENLABS_API_KEY). */
export interface PremiumVoice {
  tts: TextToSpeech;
  /** For agents that name no ElevenLabs voice of their own (ELEVENLABS_DEFAULT_VOICE_ID). */
  defaultVoiceId: string;
  /** ELEVENLABS_MAX_CONCURRENT_REQUESTS, shared by every call on this instance. */
  limiter: ConcurrencyLimiter;
  rules: PremiumVoiceRules;
  fallbackReasonOf(err: unknown): TtsFallbackReason;
}

/** The voice a call speaks in: a provider and that provider's name for the voice. */
export interface CallVoice {
  provider: TtsProvider;
  voice: string;
}

/** What of a call decides its voice besides its agent. */
export interface CallSpeechRequest {
  priority: Priority;
  metadata: Record<string, unknown>;
  ttsProvider?: TtsProvider;
}

/** The agent's Deepgram voice: the voice of every call without a premium one. */
export function deepgramVoice(agent: AgentProfile): CallVoice {
  return { provider: 'deepgram', voice: agent.voice };
}

/** The call's provider (domain/speech/tts-provider-choice) and its voice name there. */
export function chooseCallVoice(agent: AgentProfile, call: CallSpeechRequest, premium: PremiumVoice | undefined): { choice: TtsChoice; voice: CallVoice } {
  const choice = chooseTtsProvider({
    callRequest: call.ttsProvider,
    agentProvider: agent.ttsProvider,
    priority: call.priority,
    metadata: call.metadata,
    rules: premium?.rules ?? { priorities: [], vip: false },
    elevenLabsAvailable: premium !== undefined,
  });
  if (choice.provider === 'elevenlabs' && premium) return { choice, voice: { provider: 'elevenlabs', voice: agent.elevenLabsVoiceId ?? premium.defaultVoiceId } };
  return { choice, voice: deepgramVoice(agent) };
}

export interface CallSpeechOptions {
  sampleRate: number;
  logger: Logger;
  /** Hears who spoke each sentence that produced audio. */
  onSpoken?: (spokenBy: SpokenBy) => void;
}

/** A synthesizer speaking in `voice`: Deepgram as it is, or ElevenLabs with Deepgram behind it. */
export function openCallSpeech(deepgram: TextToSpeech, premium: PremiumVoice | undefined, voice: CallVoice, agent: AgentProfile, options: CallSpeechOptions): SpeechSynthesizer {
  const fallback = deepgram.open({ voice: agent.voice, sampleRate: options.sampleRate, logger: options.logger });
  if (voice.provider === 'deepgram' || !premium) return new RoutedSynthesizer(undefined, fallback, options);
  const primary = premium.tts.open({ voice: voice.voice, sampleRate: options.sampleRate, logger: options.logger });
  return new RoutedSynthesizer({ synthesizer: primary, premium }, fallback, options);
}

/**
 * Each sentence goes to ElevenLabs when it has a place under the concurrency limit, and to Deepgram
 * (the agent's Aura voice) otherwise, saying why. A sentence whose ElevenLabs request fails before
 * any audio is spoken by Deepgram at once; after a failure that is not the concurrency limit, the
 * rest of the call stays on Deepgram, so that a failing vendor costs one sentence a failed request,
 * not every sentence, and the voice stops switching. A failure after audio has started cannot be
 * patched mid-sentence: that sentence is skipped, as any failed sentence is.
 */
class RoutedSynthesizer implements SpeechSynthesizer {
  private failedOver = false;

  constructor(
    private readonly primary: { synthesizer: SpeechSynthesizer; premium: PremiumVoice } | undefined,
    private readonly fallback: SpeechSynthesizer,
    private readonly options: CallSpeechOptions,
  ) {}

  synthesize(text: string, signal: AbortSignal): SynthesisStream {
    const stream: { spokenBy?: SpokenBy } & SynthesisStream = {
      [Symbol.asyncIterator]: () => this.speak(text, signal, (spokenBy) => (stream.spokenBy = spokenBy))[Symbol.asyncIterator](),
    };
    return stream;
  }

  close(): void {
    this.primary?.synthesizer.close();
    this.fallback.close();
  }

  private async *speak(text: string, signal: AbortSignal, said: (spokenBy: SpokenBy) => void): AsyncGenerator<Buffer> {
    if (!this.primary) {
      yield* this.spoken(this.fallback.synthesize(text, signal), { provider: 'deepgram' }, said);
      return;
    }
    if (this.failedOver) {
      yield* this.spoken(this.fallback.synthesize(text, signal), { provider: 'deepgram', fallbackReason: 'provider_error' }, said);
      return;
    }
    const release = this.primary.premium.limiter.tryAcquire();
    if (!release) {
      yield* this.spoken(this.fallback.synthesize(text, signal), { provider: 'deepgram', fallbackReason: 'concurrency_limit' }, said);
      return;
    }
    let reason: TtsFallbackReason;
    let started = false;
    try {
      for await (const pcm of this.primary.synthesizer.synthesize(text, signal)) {
        if (!started) {
          started = true;
          said({ provider: 'elevenlabs' });
          this.options.onSpoken?.({ provider: 'elevenlabs' });
        }
        yield pcm;
      }
      return;
    } catch (err) {
      if (signal.aborted) throw err;
      reason = this.primary.premium.fallbackReasonOf(err);
      if (reason === 'provider_error') this.failedOver = true;
      this.options.logger.warn({ err, reason, started, chars: text.length }, started ? 'ElevenLabs failed mid-sentence; the call goes on with Deepgram' : 'ElevenLabs refused a sentence; Deepgram speaks it');
      if (started) throw err;
    } finally {
      release();
    }
    yield* this.spoken(this.fallback.synthesize(text, signal), { provider: 'deepgram', fallbackReason: reason }, said);
  }

  private async *spoken(audio: AsyncIterable<Buffer>, spokenBy: SpokenBy, said: (spokenBy: SpokenBy) => void): AsyncGenerator<Buffer> {
    let started = false;
    for await (const pcm of audio) {
      if (!started) {
        started = true;
        said(spokenBy);
        this.options.onSpoken?.(spokenBy);
      }
      yield pcm;
    }
  }
}
