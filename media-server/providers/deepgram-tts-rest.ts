import { DeepgramClient } from '@deepgram/sdk';
import type { SpeechSynthesizer, SynthesizerOptions, TextToSpeech } from '../pipeline/tts';
import { streamedBody } from './streamed-body';

export interface DeepgramTtsConfig {
  apiKey: string;
  baseUrl: string;
}

/**
 * A sentence is one short request; one that has not answered in this time would leave the caller
 * in silence anyway, so it is given up (the sentence is skipped) rather than retried.
 */
const REQUEST_TIMEOUT_S = 5;

/**
 * Deepgram Aura over REST (DESIGN 7.2): one request per sentence, the body streamed back as it is
 * made, raw 16-bit PCM at the call's rate (`container: 'none'`: a WAV header would play as a click).
 */
export function createDeepgramRestTts(config: DeepgramTtsConfig): TextToSpeech {
  const client = new DeepgramClient({ apiKey: config.apiKey, baseUrl: config.baseUrl });
  return {
    open(options: SynthesizerOptions): SpeechSynthesizer {
      return {
        async *synthesize(text: string, signal: AbortSignal): AsyncIterable<Buffer> {
          const response = await client.speak.v1.audio.generate(
            { text, model: options.voice, encoding: 'linear16', sample_rate: options.sampleRate, container: 'none' },
            { abortSignal: signal, timeoutInSeconds: REQUEST_TIMEOUT_S, maxRetries: 0 },
          );
          const body = response.stream();
          if (!body) return;
          yield* streamedBody(body);
        },
        close: () => undefined,
      };
    },
  };
}
