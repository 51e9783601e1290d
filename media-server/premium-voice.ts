import type { Config } from '../domain/config';
import type { PremiumVoice } from './call-speech';
import { ConcurrencyLimiter } from './pipeline/concurrency-limiter';
import { createElevenLabsTts, elevenLabsFallbackReason } from './providers/elevenlabs-tts';

type PremiumVoiceConfig = Pick<
  Config,
  'ELEVENLABS_API_KEY' | 'ELEVENLABS_BASE_URL' | 'ELEVENLABS_MODEL_ID' | 'ELEVENLABS_DEFAULT_VOICE_ID' | 'ELEVENLABS_MAX_CONCURRENT_REQUESTS' | 'TTS_PREMIUM_PRIORITIES' | 'TTS_PREMIUM_VIP'
>;

/** ElevenLabs as the configuration describes it, or undefined without ELEVENLABS_API_KEY (every call then speaks with Deepgram). */
export function premiumVoiceFromConfig(config: PremiumVoiceConfig, baseUrl: string = config.ELEVENLABS_BASE_URL): PremiumVoice | undefined {
  if (!config.ELEVENLABS_API_KEY) return undefined;
  return {
    tts: createElevenLabsTts({ apiKey: config.ELEVENLABS_API_KEY, baseUrl, modelId: config.ELEVENLABS_MODEL_ID }),
    defaultVoiceId: config.ELEVENLABS_DEFAULT_VOICE_ID,
    limiter: new ConcurrencyLimiter(config.ELEVENLABS_MAX_CONCURRENT_REQUESTS),
    rules: { priorities: config.TTS_PREMIUM_PRIORITIES, vip: config.TTS_PREMIUM_VIP },
    fallbackReasonOf: elevenLabsFallbackReason,
  };
}
