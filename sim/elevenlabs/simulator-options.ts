import { z } from 'zod';
import type { Logger } from '../../lib/logger';

const ms = z.number().finite().nonnegative();
const positiveMs = z.number().finite().positive();

/**
 * Times and limits of the simulated ElevenLabs, in milliseconds unless the name says otherwise. The
 * defaults are ElevenLabs' published figures (README); tests pass smaller times.
 */
const tuningSchema = z.object({
  /**
   * Request → first audio byte. ElevenLabs quotes about 75 ms of model time for Flash v2.5; network and
   * queueing come on top, so a client sees a few hundred milliseconds.
   */
  ttsFirstByteMs: ms.default(250),
  /** Length of synthesized speech per character of text. */
  ttsMsPerChar: positiveMs.default(65),
  /** Audio per streamed chunk. */
  ttsChunkMs: positiveMs.default(100),
  /** Audio is streamed this many times faster than it plays. */
  ttsRealtimeFactor: z.number().finite().positive().default(4),
  /** Synthesis requests in flight at once before a 429 `too_many_concurrent_requests` (the Pro plan's 10). */
  concurrencyLimit: z.number().int().positive().default(10),
});

export type ElevenLabsSimulatorTuning = z.infer<typeof tuningSchema>;

const optionsSchema = tuningSchema.extend({
  host: z.string().min(1).default('127.0.0.1'),
  /** When set, only this key is accepted; otherwise any non-empty key is. */
  apiKey: z.string().min(1).optional(),
});

export type ElevenLabsSimulatorOptions = z.input<typeof optionsSchema> & {
  /** Default: `createLogger('elevenlabs-sim')`. */
  logger?: Logger;
};

export type ResolvedElevenLabsOptions = z.infer<typeof optionsSchema>;

export function resolveOptions(options: ElevenLabsSimulatorOptions): ResolvedElevenLabsOptions {
  const { logger: _logger, ...rest } = options;
  const parsed = optionsSchema.safeParse(rest);
  if (!parsed.success) throw new Error(`invalid ElevenLabs simulator options: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export const TUNING_KEYS = Object.keys(tuningSchema.shape) as (keyof ElevenLabsSimulatorTuning)[];
