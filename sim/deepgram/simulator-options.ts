import { z } from 'zod';
import type { Logger } from '../../lib/logger';

const ms = z.number().finite().nonnegative();
const positiveMs = z.number().finite().positive();

/**
 * Times and thresholds of the simulated Deepgram, all in milliseconds unless the name says otherwise.
 * Defaults are Deepgram's published figures as seen from India (DESIGN 7.2); tests pass smaller ones.
 */
const tuningSchema = z.object({
  /** A final transcript leaves this long after the endpoint was reached (≈ 300–350 ms from India). */
  finalLatencyMs: ms.default(300),
  /** Audio time between two interim results of one segment (Deepgram: every few hundred ms). */
  interimIntervalMs: positiveMs.default(400),
  /** Audio time after which a stretch of silence is closed by an empty final result. */
  silenceFinalIntervalMs: positiveMs.default(3000),
  /** The socket closes (1011, NET-0001) after this long with neither audio nor a message (Deepgram: 10 s). */
  idleTimeoutMs: positiveMs.default(10_000),
  /** Frames at or above this RMS level (dBFS) are voiced. */
  vadThresholdDbfs: z.number().finite().max(0).default(-40),
  /** Voiced audio must last this long to open a segment, so a click is not speech. */
  vadOnsetMs: ms.default(40),
  /** Gaps shorter than this inside speech are not silence (word gaps, stop consonants). */
  vadHangoverMs: ms.default(200),
  /** Voiced speech per character of a script line (pauses excluded), for handing out its words as heard. */
  speechMsPerChar: positiveMs.default(60),
  /** Silence that ends a script line: the next speech says the next line (pauses inside a line are shorter). */
  scriptLineGapMs: positiveMs.default(600),
  /** Time allowed for asking the Exotel simulator for a call's script. */
  scriptLookupTimeoutMs: positiveMs.default(1000),
  /** Aura's median time to first byte. */
  ttsFirstByteMs: ms.default(150),
  /** Length of synthesized speech per character of text. */
  ttsMsPerChar: positiveMs.default(65),
  /** Audio per streamed chunk. */
  ttsChunkMs: positiveMs.default(100),
  /** Audio is streamed this many times faster than it plays (Aura streams ahead of playback). */
  ttsRealtimeFactor: z.number().finite().positive().default(4),
  /**
   * A WebSocket handshake (listen or speak) is answered this much later: the TCP and TLS round trips a
   * new connection costs over a long path, which loopback does not have. 0: answered at once.
   */
  handshakeLatencyMs: ms.default(0),
});

export type DeepgramSimulatorTuning = z.infer<typeof tuningSchema>;

const optionsSchema = tuningSchema.extend({
  /** Interface to listen on. */
  host: z.string().min(1).default('127.0.0.1'),
  /** When set, only this key is accepted; otherwise any non-empty key is (like a fresh project). */
  apiKey: z.string().min(1).optional(),
  /** The Exotel simulator, asked for the script of a call whose sid is the stream's `tag`; null: never ask. */
  exotelSimUrl: z.url().nullable().default('http://127.0.0.1:4010'),
});

export type DeepgramSimulatorOptions = z.input<typeof optionsSchema> & {
  /** Default: `createLogger('deepgram-sim')`. */
  logger?: Logger;
};

export type ResolvedDeepgramOptions = z.infer<typeof optionsSchema>;

export function resolveOptions(options: DeepgramSimulatorOptions): ResolvedDeepgramOptions {
  const { logger: _logger, ...rest } = options;
  const parsed = optionsSchema.safeParse(rest);
  if (!parsed.success) throw new Error(`invalid Deepgram simulator options: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export const TUNING_KEYS = Object.keys(tuningSchema.shape) as (keyof DeepgramSimulatorTuning)[];
