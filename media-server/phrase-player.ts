import type { Logger } from '../lib/logger';
import type { CallVoice } from './call-speech';
import { renderPhrase, type AgentProfile, type PhraseKind } from './agent-profile';
import type { GreetingCache } from './greeting-cache';
import { splitSentences } from '../domain/conversation/sentence-splitter';
import { playSynthesized } from './pipeline/play-synthesized';
import type { Utterance } from './pipeline/speaker';
import { SynthesisQueue } from './pipeline/synthesis-queue';
import type { SpeechSynthesizer } from './pipeline/tts';

export interface PhrasePlayerDeps {
  cache: GreetingCache;
  synthesizer: SpeechSynthesizer;
  /** Aborted when the call ends: synthesis still running for it stops (and what it made is not cached). */
  signal: AbortSignal;
  logger: Logger;
  agent: AgentProfile;
  metadata: Record<string, unknown>;
  sampleRate: number;
  /** The call's voice: cached audio is looked up and kept under it. */
  voice: CallVoice;
}

export interface SaidPhrase {
  text: string;
  /** Played from the cache, with no synthesis request; `prewarmed` when a prewarm request put it there. */
  cacheHit: boolean;
  prewarmed: boolean;
}

/**
 * Speaks the agent's fixed phrases on one call: straight from the cache when it has them (no
 * synthesis request, audio out at once), otherwise synthesized sentence by sentence as it plays and
 * cached as soon as every sentence has come back whole, for the next call.
 */
export class PhrasePlayer {
  constructor(private readonly deps: PhrasePlayerDeps) {}

  /** Speaks the phrase in an utterance from `start`; undefined (nothing started) when the agent has no such phrase. */
  say(kind: PhraseKind, start: () => Utterance): SaidPhrase | undefined {
    const { agent, cache, sampleRate, voice } = this.deps;
    const text = renderPhrase(agent, kind, this.deps.metadata);
    if (text === '') return undefined;
    const cached = cache.lookup(kind, agent, sampleRate, text, voice);
    const utterance = start();
    if (cached.hit) {
      for (const segment of cached.segments) {
        const writer = utterance.addSentence(segment.text);
        writer.write(segment.pcm);
        writer.end(segment.spokenBy);
      }
      utterance.close();
      return { text, cacheHit: true, prewarmed: cached.prewarmed };
    }
    const sentences = splitSentences(text);
    const queue = new SynthesisQueue(this.deps.synthesizer, this.deps.signal, this.deps.logger);
    for (const sentence of sentences) queue.add(sentence);
    queue.end();
    // Cached once synthesized, not once played: calls starting meanwhile (a campaign's burst) already hit.
    void playSynthesized(queue, utterance, (segments) => {
      if (segments.length === sentences.length) cache.store(agent, sampleRate, text, segments, voice);
    });
    return { text, cacheHit: false, prewarmed: false };
  }
}
