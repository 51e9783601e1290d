import type { AgentProfile } from '../../media-server/agent-profile';

/** An agent as the media server reads it, with plain defaults; a test names what it depends on. */
export function agentProfile(fields: Pick<AgentProfile, 'id'> & Partial<AgentProfile>): AgentProfile {
  return {
    name: 'Asha',
    prompt: 'p',
    greeting: 'Hello.',
    noResponsePrompt: '',
    goodbyeMessage: '',
    voicemailMessage: '',
    callbackNumber: null,
    companyName: '',
    voice: 'aura-2-thalia-en',
    ttsProvider: 'deepgram',
    elevenLabsVoiceId: null,
    llmModel: 'gpt-4o-mini',
    maxCallDurationSec: 60,
    noResponseTimeoutSec: 10,
    noResponseHangupSec: 5,
    voicemailDetection: false,
    voicemailThreshold: null,
    voicemailTimeoutSec: null,
    endPhrases: [],
    ...fields,
  };
}
