import { ElevenLabsClient, ElevenLabsError } from '@elevenlabs/elevenlabs-js';
import type { TtsFallbackReason } from '../../domain/speech/tts-provider';
import type { SpeechSynthesizer, SynthesizerOptions, TextToSpeech } from '../pipeline/tts';
import { streamedBody } from './streamed-body';

export interface ElevenLabsTtsConfig {
  apiKey: string;
  baseUrl: string;
  modelId: string;
}

/** A sentence that has not started answering in this time is given up and spoken by Deepgram instead. */
const REQUEST_TIMEOUT_S = 5;

/** Exotel's sample rates, each one of ElevenLabs' raw PCM output formats: no resampling, no μ-law decoding. */
const OUTPUT_FORMATS = { 8000: 'pcm_8000', 16000: 'pcm_16000', 24000: 'pcm_24000' } as const;

function outputFormatFor(sampleRate: number): (typeof OUTPUT_FORMATS)[keyof typeof OUTPUT_FORMATS] {
  const format = OUTPUT_FORMATS[sampleRate as keyof typeof OUTPUT_FORMATS];
  if (!format) throw new Error(`ElevenLabs has no raw PCM output at ${sampleRate} Hz for this call`);
  return format;
}

/**
 * ElevenLabs over its streaming REST endpoint (`POST /v1/text-to-speech/{voice_id}/stream`) through
 * the official SDK: one request per sentence, raw 16-bit PCM at the call's rate (`pcm_8000` on an
 * 8 kHz call), streamed back as it is made, exactly what the playout path takes from Deepgram. The
 * SDK's own retries are off (`maxRetries: 0`): a retry's backoff is silence on the line, and the
 * caller is better served by Deepgram at once (media-server/call-speech.ts).
 */
export function createElevenLabsTts(config: ElevenLabsTtsConfig): TextToSpeech {
  const client = new ElevenLabsClient({ apiKey: config.apiKey, baseUrl: config.baseUrl });
  return {
    open(options: SynthesizerOptions): SpeechSynthesizer {
      const outputFormat = outputFormatFor(options.sampleRate);
      return {
        async *synthesize(text: string, signal: AbortSignal): AsyncIterable<Buffer> {
          const body = await client.textToSpeech.stream(
            options.voice,
            { text, modelId: config.modelId, outputFormat },
            { abortSignal: signal, timeoutInSeconds: REQUEST_TIMEOUT_S, maxRetries: 0 },
          );
          yield* streamedBody(body);
        },
        close: () => undefined,
      };
    },
  };
}

/**
 * Why a failed ElevenLabs request falls back: its 429 with `too_many_concurrent_requests` (the
 * legacy `detail.status`) or `concurrent_limit_exceeded` (the current `detail.code`) is the plan's
 * concurrency limit; anything else (other answers, timeouts, a dropped connection) is the provider failing.
 */
export function elevenLabsFallbackReason(err: unknown): TtsFallbackReason {
  if (!(err instanceof ElevenLabsError) || err.statusCode !== 429) return 'provider_error';
  const detail = (err.body as { detail?: { status?: unknown; code?: unknown } } | undefined)?.detail;
  return detail?.status === 'too_many_concurrent_requests' || detail?.code === 'concurrent_limit_exceeded' ? 'concurrency_limit' : 'provider_error';
}
