/** The text-to-speech vendors a call can speak with: Deepgram Aura (the default) and ElevenLabs (premium). */
export const TTS_PROVIDERS = ['deepgram', 'elevenlabs'] as const;
export type TtsProvider = (typeof TTS_PROVIDERS)[number];

/**
 * Why a sentence meant for ElevenLabs was spoken by Deepgram: no room under the concurrency limit
 * (Ringline's own, or ElevenLabs' 429 `too_many_concurrent_requests`), or ElevenLabs failing (an error
 * answer, a timeout, a dropped connection, or an earlier failure on the same call).
 */
export const TTS_FALLBACK_REASONS = ['concurrency_limit', 'provider_error'] as const;
export type TtsFallbackReason = (typeof TTS_FALLBACK_REASONS)[number];

/** Who spoke one sentence. */
export interface SpokenBy {
  provider: TtsProvider;
  /** Present when the sentence was meant for another provider and fell back to this one. */
  fallbackReason?: TtsFallbackReason;
}

/** What a bot turn's record says of its voice (the CallLog transcript's `tts`). */
export interface TurnSpeech {
  provider: TtsProvider;
  fallbackReason?: TtsFallbackReason;
}

/**
 * One turn's voice from its sentences: the provider that spoke most of its characters (the first
 * sentence's on a tie), and the first fallback among them, if any. Undefined when no sentence says.
 */
export function turnSpeech(sentences: readonly { text: string; spokenBy?: SpokenBy }[]): TurnSpeech | undefined {
  const known = sentences.filter((sentence): sentence is { text: string; spokenBy: SpokenBy } => sentence.spokenBy !== undefined);
  if (known.length === 0) return undefined;
  const characters = new Map<TtsProvider, number>();
  for (const { text, spokenBy } of known) characters.set(spokenBy.provider, (characters.get(spokenBy.provider) ?? 0) + text.length);
  let provider = known[0].spokenBy.provider;
  for (const [candidate, count] of characters) if (count > (characters.get(provider) ?? 0)) provider = candidate;
  const fallbackReason = known.find((sentence) => sentence.spokenBy.fallbackReason !== undefined)?.spokenBy.fallbackReason;
  return fallbackReason === undefined ? { provider } : { provider, fallbackReason };
}
