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
  private readonly entries = new Map<string, SpokenSegment[]>();
  private readonly warming = new Map<string, Promise<void>>();

  constructor(private readonly options: GreetingCacheOptions) {}

  get size(): number {
    return this.entries.size;
  }

  lookup(kind: PhraseKind, agent: AgentProfile, sampleRate: number, text: string): SpokenSegment[] | undefined {
    const key = cacheKey(agent, sampleRate, text);
    const segments = this.entries.get(key);
    this.options.metrics.phraseCache(kind, segments !== undefined);
    if (!segments) return undefined;
    this.entries.delete(key);
    this.entries.set(key, segments);
    return segments;
  }

  store(agent: AgentProfile, sampleRate: number, text: string, segments: SpokenSegment[]): void {
    const key = cacheKey(agent, sampleRate, text);
    this.entries.delete(key);
    this.entries.set(key, segments);
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
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
    const work = this.synthesize(agent, sampleRate, text).then((segments) => this.store(agent, sampleRate, text, segments));
    this.warming.set(key, work);
    try {
      await work;
      return true;
    } finally {
      this.warming.delete(key);
    }
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
