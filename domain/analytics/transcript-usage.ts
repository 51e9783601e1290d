import type { TtsProvider } from '../speech/tts-provider';

export interface UsageTurn {
  turn: number;
  speaker: 'bot' | 'caller';
  text: string;
  /** Bot turns: who spoke it; absent on turns recorded before ElevenLabs, all Deepgram's. */
  tts?: { provider: TtsProvider } | null;
}

export interface TranscriptUsage {
  /** Characters the bot spoke: what text-to-speech synthesized, as far as the transcript shows. */
  botCharacters: number;
  /** Estimated model tokens in and out over the call's replies. */
  llmTokens: number;
}

/** The usual rule of thumb for English text with OpenAI tokenizers. */
export const CHARACTERS_PER_TOKEN = 4;

/**
 * Provider usage estimated from what the call log keeps. Each model reply is sent the conversation
 * so far and answers with its own text, so it costs about the characters of every turn up to and
 * including it, over CHARACTERS_PER_TOKEN. Replies are the bot turns that have latency figures;
 * greetings and fixed phrases never reach the model. The system prompt is not in the transcript and
 * is not counted.
 */
export function transcriptUsage(turns: readonly UsageTurn[], replyTurns: readonly number[]): TranscriptUsage {
  const replies = new Set(replyTurns);
  const ordered = [...turns].sort((a, b) => a.turn - b.turn);
  let botCharacters = 0;
  let conversationCharacters = 0;
  let llmTokens = 0;
  for (const turn of ordered) {
    conversationCharacters += turn.text.length;
    if (turn.speaker !== 'bot') continue;
    botCharacters += turn.text.length;
    if (replies.has(turn.turn)) llmTokens += Math.ceil(conversationCharacters / CHARACTERS_PER_TOKEN);
  }
  return { botCharacters, llmTokens };
}

/**
 * The bot's characters by the provider that spoke each turn (a turn's provider is the one that spoke
 * most of it, domain/speech/tts-provider): what each text-to-speech bill is estimated from.
 */
export function botCharactersByProvider(turns: readonly UsageTurn[]): Record<TtsProvider, number> {
  const characters: Record<TtsProvider, number> = { deepgram: 0, elevenlabs: 0 };
  for (const turn of turns) if (turn.speaker === 'bot') characters[turn.tts?.provider ?? 'deepgram'] += turn.text.length;
  return characters;
}
