import { defaultVoicemailTemplate } from '../domain/conversation/default-voicemail';
import { renderTemplate, type TemplateValues } from '../domain/conversation/render-template';
import { spokenPhoneNumber } from '../domain/phone-number';
import type { TtsProvider } from '../domain/speech/tts-provider';

/** What the media server needs of an agent (db/models/agent.ts), read once and cached. */
export interface AgentProfile {
  id: string;
  name: string;
  prompt: string;
  greeting: string;
  noResponsePrompt: string;
  goodbyeMessage: string;
  /** Empty: the default message (domain/conversation/default-voicemail). */
  voicemailMessage: string;
  /** E.164, or null. */
  callbackNumber: string | null;
  companyName: string;
  /** The agent's Deepgram voice. */
  voice: string;
  /** Who speaks the agent's calls unless a call or a rule says otherwise (media-server/call-speech.ts). */
  ttsProvider: TtsProvider;
  /** Null: ELEVENLABS_DEFAULT_VOICE_ID. */
  elevenLabsVoiceId: string | null;
  llmModel: string;
  maxCallDurationSec: number;
  noResponseTimeoutSec: number;
  noResponseHangupSec: number;
  voicemailDetection: boolean;
  /** Null: the media server's defaults (VOICEMAIL_THRESHOLD, VOICEMAIL_TIMEOUT_SEC). */
  voicemailThreshold: number | null;
  voicemailTimeoutSec: number | null;
  endPhrases: string[];
}

/** The agent's fixed utterances, each rendered from the agent and the call before it is spoken. */
export type PhraseKind = 'greeting' | 'no_response' | 'goodbye' | 'voicemail';

export function phraseTemplate(agent: AgentProfile, kind: PhraseKind): string {
  switch (kind) {
    case 'greeting':
      return agent.greeting;
    case 'no_response':
      return agent.noResponsePrompt;
    case 'goodbye':
      return agent.goodbyeMessage;
    case 'voicemail':
      return agent.voicemailMessage === '' ? defaultVoicemailTemplate(agent) : agent.voicemailMessage;
  }
}

/**
 * Placeholders a phrase may use: the call's metadata, and the agent's name, company and callback number
 * (read out digit by digit), which metadata cannot override where the agent has them.
 */
export function templateValues(agent: AgentProfile, metadata: Record<string, unknown>): TemplateValues {
  const callbackNumber = agent.callbackNumber === null ? null : spokenPhoneNumber(agent.callbackNumber);
  return {
    ...metadata,
    agentName: agent.name,
    ...(agent.companyName !== '' && { companyName: agent.companyName }),
    ...(callbackNumber !== null && { callbackNumber }),
  };
}

/** The phrase as this call speaks it ('' when the agent has none, e.g. no no-response prompt). */
export function renderPhrase(agent: AgentProfile, kind: PhraseKind, metadata: Record<string, unknown>): string {
  return renderTemplate(phraseTemplate(agent, kind), templateValues(agent, metadata));
}
