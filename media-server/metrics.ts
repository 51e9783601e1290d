import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { MediaOutcome } from '../domain/call-outcome';
import type { TurnLatency } from '../domain/call-workflow-types';
import type { SpokenBy } from '../domain/speech/tts-provider';
import type { PhraseKind } from './agent-profile';

/** The media server's Prometheus figures, registered on the process registry (`GET /metrics`). */
export interface MediaMetrics {
  sessionStarted(): void;
  sessionEnded(outcome: MediaOutcome): void;
  connectionRefused(reason: string): void;
  malformedFrame(kind: string): void;
  bargeIn(): void;
  providerError(provider: 'stt' | 'llm' | 'tts'): void;
  turnLatency(latency: TurnLatency): void;
  phraseCache(kind: PhraseKind, result: PhraseCacheResult): void;
  /** A sentence synthesized for a call, by who spoke it and why it fell back (`none`: it did not). */
  sentenceSpoken(spokenBy: SpokenBy): void;
}

/** A prewarmed hit is a hit on an entry `POST /greetings/prewarm` made, not one a previous call left. */
export type PhraseCacheResult = 'hit' | 'prewarmed_hit' | 'miss';

/** From 2 ms (Ringline's own share of a turn) to 5 s (a whole voice turn). */
const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5];

export function createMediaMetrics(registry: Registry): MediaMetrics {
  const active = new Gauge({ name: 'ringline_media_sessions_active', help: 'Calls with a live media session on this instance', registers: [registry] });
  const ended = new Counter({ name: 'ringline_media_sessions_total', help: 'Media sessions ended, by outcome', labelNames: ['outcome'], registers: [registry] });
  const refused = new Counter({ name: 'ringline_media_connections_refused_total', help: 'WebSocket connections refused, by reason', labelNames: ['reason'], registers: [registry] });
  const malformed = new Counter({ name: 'ringline_media_malformed_frames_total', help: 'Exotel frames that could not be used, by kind', labelNames: ['kind'], registers: [registry] });
  const bargeIns = new Counter({ name: 'ringline_media_barge_ins_total', help: 'Times the caller interrupted the bot', registers: [registry] });
  const providerErrors = new Counter({ name: 'ringline_media_provider_errors_total', help: 'Speech-to-text, model and speech synthesis failures', labelNames: ['provider'], registers: [registry] });
  const sentences = new Counter({
    name: 'ringline_media_tts_sentences_total',
    help: 'Sentences synthesized for calls, by provider and fallback reason (none: the provider the call wanted)',
    labelNames: ['provider', 'fallback_reason'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'ringline_media_turn_latency_seconds',
    help: 'Per-turn latency by stage: stt_final (speech end to final transcript), llm_first_token, tts_first_byte, voice_to_voice (speech end to first bot audio sent), ringline (time the media server itself spends on that path)',
    labelNames: ['stage'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const cache = new Counter({ name: 'ringline_media_greeting_cache_lookups_total', help: 'Synthesized phrase cache lookups, by phrase and result', labelNames: ['phrase', 'result'], registers: [registry] });
  // Separate from the lookups' `result` label so that `hit` keeps counting every hit.
  const prewarmedHits = new Counter({
    name: 'ringline_media_greeting_cache_prewarmed_hits_total',
    help: 'Synthesized phrase cache hits on entries made by a prewarm request, by phrase',
    labelNames: ['phrase'],
    registers: [registry],
  });
  let hits = 0;
  let lookups = 0;
  new Gauge({
    name: 'ringline_media_greeting_cache_hit_ratio',
    help: 'Share of greeting lookups answered from the cache since start',
    registers: [registry],
    collect() {
      this.set(lookups === 0 ? 0 : hits / lookups);
    },
  });

  const observe = (stage: string, ms: number | undefined) => {
    if (ms !== undefined && Number.isFinite(ms) && ms >= 0) latency.observe({ stage }, ms / 1000);
  };
  return {
    sessionStarted: () => active.inc(),
    sessionEnded: (outcome) => {
      active.dec();
      ended.inc({ outcome });
    },
    connectionRefused: (reason) => refused.inc({ reason }),
    malformedFrame: (kind) => malformed.inc({ kind }),
    bargeIn: () => bargeIns.inc(),
    providerError: (provider) => providerErrors.inc({ provider }),
    sentenceSpoken: (spokenBy) => sentences.inc({ provider: spokenBy.provider, fallback_reason: spokenBy.fallbackReason ?? 'none' }),
    turnLatency: (turn) => {
      observe('stt_final', turn.sttFinalMs);
      observe('llm_first_token', turn.llmFirstTokenMs);
      observe('tts_first_byte', turn.ttsFirstByteMs);
      observe('voice_to_voice', turn.voiceToVoiceMs);
      observe('ringline', turn.ringlineMs);
    },
    phraseCache: (kind, result) => {
      const hit = result !== 'miss';
      cache.inc({ phrase: kind, result: hit ? 'hit' : 'miss' });
      if (result === 'prewarmed_hit') prewarmedHits.inc({ phrase: kind });
      if (kind !== 'greeting') return;
      lookups += 1;
      if (hit) hits += 1;
    },
  };
}
