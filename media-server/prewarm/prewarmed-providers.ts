import type { PoolSettings } from '../../domain/api-schemas/prewarming';
import type { Config } from '../../domain/config';
import type { Logger } from '../../lib/logger';
import type { LanguageModel } from '../pipeline/llm';
import type { SpeechToText } from '../pipeline/stt';
import type { TextToSpeech } from '../pipeline/tts';
import { createDeepgramStt } from '../providers/deepgram-stt';
import { createDeepgramRestTts } from '../providers/deepgram-tts-rest';
import { createDeepgramWsTts } from '../providers/deepgram-tts-ws';
import { createKeepAliveFetch } from '../providers/keep-alive-fetch';
import { createOpenAiLlm } from '../providers/openai-llm';
import { ConnectionPrewarmer } from './connection-prewarmer';
import { measureFirstResultLatency } from './first-result-latency';

export type ProviderConfig = Pick<
  Config,
  | 'DEEPGRAM_API_KEY'
  | 'DEEPGRAM_BASE_URL'
  | 'DEEPGRAM_STT_MODEL'
  | 'DEEPGRAM_ENDPOINTING_MS'
  | 'DEEPGRAM_UTTERANCE_END_MS'
  | 'TTS_PROVIDER'
  | 'OPENAI_API_KEY'
  | 'OPENAI_BASE_URL'
  | 'OPENAI_TIMEOUT_MS'
  | 'OPENAI_MAX_RETRIES'
  | 'CALLING_LLM_MODELS'
  | 'PREWARM_POOL_ENABLED'
  | 'PREWARM_POOL_STT_SIZE'
  | 'PREWARM_POOL_TTS_SIZE'
  | 'PREWARM_POOL_REFRESH_MS'
  | 'PREWARM_POOL_LLM_KEEPALIVE_MS'
  | 'PREWARM_POOL_TTS_VOICE'
>;

export interface PrewarmedProviders {
  /** What calls use: each takes a pooled connection when one is ready. */
  stt: SpeechToText;
  tts: TextToSpeech;
  llm: LanguageModel;
  prewarmer: ConnectionPrewarmer;
}

export function poolSettingsOf(config: ProviderConfig): PoolSettings {
  return {
    sttPoolSize: config.PREWARM_POOL_STT_SIZE,
    ttsPoolSize: config.PREWARM_POOL_TTS_SIZE,
    refreshIntervalMs: config.PREWARM_POOL_REFRESH_MS,
    llmKeepAliveMs: config.PREWARM_POOL_LLM_KEEPALIVE_MS,
  };
}

/**
 * The media server's providers as calls use them (the real `@deepgram/sdk` and `openai` SDKs), with
 * the connection pool in front of them; the pool runs from the start when PREWARM_POOL_ENABLED is set.
 */
export function createPrewarmedProviders(config: ProviderConfig, logger: Logger): PrewarmedProviders {
  const deepgram = { apiKey: config.DEEPGRAM_API_KEY, baseUrl: config.DEEPGRAM_BASE_URL };
  const stt = createDeepgramStt({
    ...deepgram,
    model: config.DEEPGRAM_STT_MODEL,
    endpointingMs: config.DEEPGRAM_ENDPOINTING_MS,
    utteranceEndMs: config.DEEPGRAM_UTTERANCE_END_MS,
  });
  const wsTts = createDeepgramWsTts(deepgram);
  const openai = { apiKey: config.OPENAI_API_KEY, baseUrl: config.OPENAI_BASE_URL, timeoutMs: config.OPENAI_TIMEOUT_MS, maxRetries: config.OPENAI_MAX_RETRIES };
  const llmConnection = createKeepAliveFetch();
  const llm = createOpenAiLlm({ ...openai, fetch: llmConnection.fetch });
  const prewarmer: ConnectionPrewarmer = new ConnectionPrewarmer({
    stt,
    tts: config.TTS_PROVIDER === 'deepgram-ws' ? wsTts : undefined,
    llm,
    llmConnection,
    ttsVoice: config.PREWARM_POOL_TTS_VOICE,
    settings: poolSettingsOf(config),
    logger,
    measure: (samples) =>
      measureFirstResultLatency(
        {
          stt,
          tts: wsTts,
          warmLlm: { llm, keepWarm: () => llm.ping() },
          coldLlm: () => {
            const connection = createKeepAliveFetch();
            return { llm: createOpenAiLlm({ ...openai, fetch: connection.fetch }), dispose: () => connection.destroy() };
          },
          voice: config.PREWARM_POOL_TTS_VOICE,
          llmModel: config.CALLING_LLM_MODELS[0],
          logger,
        },
        samples,
      ),
  });
  if (config.PREWARM_POOL_ENABLED) prewarmer.start();
  const tts = config.TTS_PROVIDER === 'deepgram-ws' ? wsTts : createDeepgramRestTts(deepgram);
  return { stt: prewarmer.speechToText, tts: prewarmer.textToSpeech(tts), llm, prewarmer };
}
