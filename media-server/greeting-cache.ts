import { splitSentences } from '../domain/conversation/sentence-splitter';
import type { Logger } from '../lib/logger';
import { renderPhrase, type AgentProfile, type PhraseKind } from './agent-profile';
import { DEFAULT_SAMPLE_RATE } from './exotel-protocol';
import type { MediaMetrics } from './metrics';
import type { TextToSpeech } from './pipeline/tts';

/** One sentence of a synthesized phrase: sentences keep their own marks when played. */
export interface SpokenSegment {
  text: string;
  pcm: Buffer;
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
  tts: TextToSpeech;
  metrics: MediaMetrics;
  logger: Logger;
}

const PHRASES: PhraseKind[] = ['greeting', 'no_response', 'goodbye', 'voicemail'];

/**
 * Synthesized audio of the agents' fixed phrases (the greeting above all, also the no-response
 * prompt, goodbye and voicemail message), keyed by agent, voice, sample rate and the rendered text:
 * editing an agent's greeting or voice simply misses. A hit plays with no speech-synthesis request,
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

  lookup(kind: PhraseKind, agent: AgentProfile, sampleRate: number, text: string): PhraseLookup {
    const key = cacheKey(agent, sampleRate, text);
    const entry = this.entries.get(key);
    this.count(kind, entry);
    if (!entry) return { hit: false };
    this.entries.delete(key);
    this.entries.set(key, entry);
    return { hit: true, prewarmed: entry.prewarmed, segments: entry.segments };
  }

  /** Keeps a phrase a call has just synthesized whole. */
  store(agent: AgentProfile, sampleRate: number, text: string, segments: SpokenSegment[]): void {
    this.put(cacheKey(agent, sampleRate, text), { segments, prewarmed: false });
  }

  /**
   * Synthesizes the agent's phrases that are not cached yet, rendered with `metadata` (a scheduler
   * can warm one call's personal greeting just before dialing). Resolves with how many it made.
   */
  async prewarm(agent: AgentProfile, metadata: Record<string, unknown> = {}, sampleRate: number = DEFAULT_SAMPLE_RATE): Promise<number> {
    const texts = PHRASES.map((kind) => renderPhrase(agent, kind, metadata)).filter((text) => text !== '');
    const results = await Promise.all(texts.map((text) => this.warm(agent, sampleRate, text)));
    return results.filter(Boolean).length;
  }

  private async warm(agent: AgentProfile, sampleRate: number, text: string): Promise<boolean> {
    const key = cacheKey(agent, sampleRate, text);
    if (this.entries.has(key)) return false;
    const inFlight = this.warming.get(key);
    if (inFlight) {
      await inFlight;
      return false;
    }
    const work = this.synthesize(agent, sampleRate, text).then((segments) => this.put(key, { segments, prewarmed: true }));
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

  private async synthesize(agent: AgentProfile, sampleRate: number, text: string): Promise<SpokenSegment[]> {
    const synthesizer = this.options.tts.open({ voice: agent.voice, sampleRate, logger: this.options.logger });
    const signal = new AbortController().signal;
    try {
      return await Promise.all(
        splitSentences(text).map(async (sentence) => {
          const parts: Buffer[] = [];
          for await (const pcm of synthesizer.synthesize(sentence, signal)) parts.push(pcm);
          if (parts.length === 0) throw new Error('speech synthesis returned no audio');
          return { text: sentence, pcm: Buffer.concat(parts) };
        }),
      );
    } finally {
      synthesizer.close();
    }
  }
}

function cacheKey(agent: AgentProfile, sampleRate: number, text: string): string {
  return JSON.stringify([agent.id, agent.voice, sampleRate, text]);
}
