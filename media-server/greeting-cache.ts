import { splitSentences } from '../domain/conversation/sentence-splitter';
import type { SpokenBy } from '../domain/speech/tts-provider';
import type { Logger } from '../lib/logger';
import { renderPhrase, type AgentProfile, type PhraseKind } from './agent-profile';
import { DEFAULT_SAMPLE_RATE } from './exotel-protocol';
import type { MediaMetrics } from './metrics';
import { deepgramVoice, openCallSpeech, type CallVoice, type PremiumVoice } from './call-speech';
import type { TextToSpeech } from './pipeline/tts';

/** One sentence of a synthesized phrase: sentences keep their own marks when played. */
export interface SpokenSegment {
  text: string;
  pcm: Buffer;
  /** Who made the audio, when known: a cache hit is recorded as that provider's speech. */
  spokenBy?: SpokenBy;
}

/** A lookup's answer; `prewarmed` says the entry was made by `prewarm`, not kept after a call synthesized it. */
export type PhraseLookup = { hit: false } | { hit: true; prewarmed: boolean; segments: SpokenSegment[] };

export interface LookupCounts {
  hits: number;
  misses: number;
  /** Hits on entries made by `prewarm` (also counted in `hits`). */
  prewarmedHits: number;
}

interface Entry {
  segments: SpokenSegment[];
  prewarmed: boolean;
}

export interface GreetingCacheOptions {
  maxEntries: number;
  /** Deepgram, the default voice. */
  tts: TextToSpeech;
  /** ElevenLabs, when configured: phrases of calls that speak with it are made by it. */
  premium?: PremiumVoice;
  metrics: MediaMetrics;
  logger: Logger;
}

const PHRASES: PhraseKind[] = ['greeting', 'no_response', 'goodbye', 'voicemail'];

/**
 * Synthesized audio of the agents' fixed phrases (the greeting above all, also the no-response
 * prompt, goodbye and voicemail message), keyed by agent, provider, voice, sample rate and the rendered
 * text: editing an agent's greeting or voice simply misses, and a call that speaks with ElevenLabs
 * never plays a Deepgram greeting (nor the other way round). Only audio wholly made by the wanted
 * provider is kept: a phrase that fell back to Deepgram is played, not cached as ElevenLabs'. A hit plays with no speech-synthesis request,
 * which is what lets the greeting start within milliseconds of the call's `start`. Least recently
 * used entries go first once `maxEntries` is reached.
 */
export class GreetingCache {
  private readonly entries = new Map<string, Entry>();
  private readonly warming = new Map<string, Promise<void>>();
  private readonly counts = new Map<PhraseKind, LookupCounts>();

  constructor(private readonly options: GreetingCacheOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /** Lookups since start, by phrase; phrases never looked up are absent. */
  get lookups(): Partial<Record<PhraseKind, LookupCounts>> {
    return Object.fromEntries([...this.counts].map(([kind, counts]) => [kind, { ...counts }]));
  }

  lookup(kind: PhraseKind, agent: AgentProfile, sampleRate: number, text: string, voice: CallVoice = deepgramVoice(agent)): PhraseLookup {
    const key = cacheKey(agent, voice, sampleRate, text);
    const entry = this.entries.get(key);
    this.count(kind, entry);
    if (!entry) return { hit: false };
    this.entries.delete(key);
    this.entries.set(key, entry);
    return { hit: true, prewarmed: entry.prewarmed, segments: entry.segments };
  }

  /** Keeps a phrase a call has just synthesized whole, if every sentence came from `voice`'s provider. */
  store(agent: AgentProfile, sampleRate: number, text: string, segments: SpokenSegment[], voice: CallVoice = deepgramVoice(agent)): void {
    if (!madeBy(segments, voice)) return;
    this.put(cacheKey(agent, voice, sampleRate, text), { segments, prewarmed: false });
  }

  /**
   * Synthesizes the agent's phrases that are not cached yet, rendered with `metadata` (a scheduler
   * can warm one call's personal greeting just before dialing). Resolves with how many it made.
   */
  async prewarm(agent: AgentProfile, metadata: Record<string, unknown> = {}, sampleRate: number = DEFAULT_SAMPLE_RATE, voice: CallVoice = deepgramVoice(agent)): Promise<number> {
    const texts = PHRASES.map((kind) => renderPhrase(agent, kind, metadata)).filter((text) => text !== '');
    const results = await Promise.all(texts.map((text) => this.warm(agent, voice, sampleRate, text)));
    return results.filter(Boolean).length;
  }

  private async warm(agent: AgentProfile, voice: CallVoice, sampleRate: number, text: string): Promise<boolean> {
    const key = cacheKey(agent, voice, sampleRate, text);
    if (this.entries.has(key)) return false;
    const inFlight = this.warming.get(key);
    if (inFlight) {
      await inFlight;
      return false;
    }
    const work = this.synthesize(agent, voice, sampleRate, text).then((segments) => {
      if (!madeBy(segments, voice)) throw new Error(`the phrase was not made by ${voice.provider}`);
      this.put(key, { segments, prewarmed: true });
    });
    this.warming.set(key, work);
    try {
      await work;
      return true;
    } finally {
      this.warming.delete(key);
    }
  }

  private put(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  private count(kind: PhraseKind, entry: Entry | undefined): void {
    const counts = this.counts.get(kind) ?? { hits: 0, misses: 0, prewarmedHits: 0 };
    if (entry) counts.hits += 1;
    else counts.misses += 1;
    if (entry?.prewarmed) counts.prewarmedHits += 1;
    this.counts.set(kind, counts);
    this.options.metrics.phraseCache(kind, entry === undefined ? 'miss' : entry.prewarmed ? 'prewarmed_hit' : 'hit');
  }

  private async synthesize(agent: AgentProfile, voice: CallVoice, sampleRate: number, text: string): Promise<SpokenSegment[]> {
    const synthesizer = openCallSpeech(this.options.tts, this.options.premium, voice, agent, { sampleRate, logger: this.options.logger });
    const signal = new AbortController().signal;
    try {
      return await Promise.all(
        splitSentences(text).map(async (sentence) => {
          const parts: Buffer[] = [];
          const stream = synthesizer.synthesize(sentence, signal);
          for await (const pcm of stream) parts.push(pcm);
          if (parts.length === 0) throw new Error('speech synthesis returned no audio');
          return { text: sentence, pcm: Buffer.concat(parts), ...(stream.spokenBy && { spokenBy: stream.spokenBy }) };
        }),
      );
    } finally {
      synthesizer.close();
    }
  }
}

function cacheKey(agent: AgentProfile, voice: CallVoice, sampleRate: number, text: string): string {
  return JSON.stringify([agent.id, voice.provider, voice.voice, sampleRate, text]);
}

/** Every sentence spoken by the voice's provider, none fallen back. */
function madeBy(segments: SpokenSegment[], voice: CallVoice): boolean {
  return segments.every((segment) => (segment.spokenBy?.provider ?? 'deepgram') === voice.provider && segment.spokenBy?.fallbackReason === undefined);
}
