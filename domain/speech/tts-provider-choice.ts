import type { Priority } from '../priority';
import type { TtsProvider } from './tts-provider';

/** Why a call speaks with the provider it does; `elevenlabs_unavailable`: ElevenLabs was wanted but has no key. */
export const TTS_CHOICE_REASONS = ['call_request', 'agent', 'priority', 'vip', 'default', 'elevenlabs_unavailable'] as const;
export type TtsChoiceReason = (typeof TTS_CHOICE_REASONS)[number];

export interface TtsChoice {
  provider: TtsProvider;
  reason: TtsChoiceReason;
}

/** When a call with a Deepgram agent still gets the premium voice (config TTS_PREMIUM_PRIORITIES, TTS_PREMIUM_VIP). */
export interface PremiumVoiceRules {
  priorities: readonly Priority[];
  /** Calls whose metadata has `vip: true`. */
  vip: boolean;
}

export interface TtsChoiceInput {
  /** The call request's own choice, which nothing overrides. */
  callRequest?: TtsProvider;
  agentProvider: TtsProvider;
  priority: Priority;
  metadata: Record<string, unknown>;
  rules: PremiumVoiceRules;
  /** An ElevenLabs key is configured. */
  elevenLabsAvailable: boolean;
}

/**
 * The provider a call speaks with: the call request's choice; else ElevenLabs for an agent set to it,
 * for a call of a premium priority, or for a VIP (metadata `vip: true`); else Deepgram. ElevenLabs
 * without a key is Deepgram, saying so.
 */
export function chooseTtsProvider(input: TtsChoiceInput): TtsChoice {
  const wanted = wantedProvider(input);
  if (wanted.provider === 'elevenlabs' && !input.elevenLabsAvailable) return { provider: 'deepgram', reason: 'elevenlabs_unavailable' };
  return wanted;
}

function wantedProvider(input: TtsChoiceInput): TtsChoice {
  if (input.callRequest) return { provider: input.callRequest, reason: 'call_request' };
  if (input.agentProvider === 'elevenlabs') return { provider: 'elevenlabs', reason: 'agent' };
  if (input.rules.priorities.includes(input.priority)) return { provider: 'elevenlabs', reason: 'priority' };
  if (input.rules.vip && input.metadata.vip === true) return { provider: 'elevenlabs', reason: 'vip' };
  return { provider: 'deepgram', reason: 'default' };
}
