import { z } from 'zod';
import { instantSchema } from './common';

/**
 * The connection pool's settings, requests and answers (docs/prewarming.md), shared by the API and
 * the media server, which checks the same requests again when they reach it.
 */

const count = z.int().min(0);

export const POOL_LIMITS = {
  maxPoolSize: 20,
  minRefreshIntervalMs: 1_000,
  maxRefreshIntervalMs: 3_600_000,
  minLlmKeepAliveMs: 500,
  maxLlmKeepAliveMs: 600_000,
  maxMeasureSamples: 20,
} as const;

const poolSettingsShape = {
  /** Deepgram live streams kept open for the next calls. */
  sttPoolSize: z.int().min(0).max(POOL_LIMITS.maxPoolSize),
  /** Deepgram speak sockets kept open (with TTS_PROVIDER=deepgram-ws). */
  ttsPoolSize: z.int().min(0).max(POOL_LIMITS.maxPoolSize),
  /** A pooled connection no call has taken for this long is replaced by a fresh one. */
  refreshIntervalMs: z.int().min(POOL_LIMITS.minRefreshIntervalMs).max(POOL_LIMITS.maxRefreshIntervalMs),
  /** The model's connection gets a request when it has been idle this long. */
  llmKeepAliveMs: z.int().min(POOL_LIMITS.minLlmKeepAliveMs).max(POOL_LIMITS.maxLlmKeepAliveMs),
};

export const poolSettingsSchema = z.strictObject(poolSettingsShape);
export type PoolSettings = z.infer<typeof poolSettingsSchema>;

/** `POST …/prewarming/start`: the settings to run with until the media server restarts; those left out keep their value. */
export const startPrewarmingSchema = z.strictObject(poolSettingsShape).partial();
export type StartPrewarming = z.infer<typeof startPrewarmingSchema>;

/** `POST …/prewarming/measure`. */
export const measurePrewarmingSchema = z.strictObject({
  /** First results measured per provider and per side (with and without the pool). */
  samples: z.int().min(1).max(POOL_LIMITS.maxMeasureSamples).default(5),
});
export type MeasurePrewarming = z.infer<typeof measurePrewarmingSchema>;

const poolFiguresSchema = z.object({
  /** The size the pool is kept at now (0 while stopped). */
  size: count,
  ready: count,
  opening: count,
  opened: count,
  openFailures: count,
  /** Calls that took a ready connection, and calls that found none and opened their own. */
  hits: count,
  misses: count,
  hitRate: z.number().min(0).max(1).nullable(),
  discarded: z.object({ dead: count, expired: count, surplus: count, stopped: count }),
});

export const poolStatusSchema = z.object({
  running: z.boolean(),
  startedAt: instantSchema.nullable(),
  settings: poolSettingsSchema,
  stt: poolFiguresSchema.extend({ sampleRate: z.int() }),
  tts: poolFiguresSchema.extend({
    /** False with TTS_PROVIDER=deepgram-rest: a request per sentence, no socket to keep. */
    available: z.boolean(),
    voice: z.string(),
    sampleRate: z.int(),
  }),
  llm: z.object({
    keepAlive: z.boolean(),
    idleConnections: count,
    pings: count,
    pingFailures: count,
    lastRequestAt: instantSchema.nullable(),
  }),
});
export type PoolStatus = z.infer<typeof poolStatusSchema>;

const latencyFiguresSchema = z.object({
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  /** Every sample, ms, in the order measured; failed ones are left out. */
  samplesMs: z.array(z.number()),
  failures: count,
});
export type LatencyFigures = z.infer<typeof latencyFiguresSchema>;

const providerMeasurementSchema = z.object({
  /** What was timed, from when to when. */
  definition: z.string(),
  withoutPool: latencyFiguresSchema,
  withPool: latencyFiguresSchema,
});
export type ProviderMeasurement = z.infer<typeof providerMeasurementSchema>;

export const poolMeasurementSchema = z.object({
  measuredAt: instantSchema,
  samples: count,
  stt: providerMeasurementSchema,
  tts: providerMeasurementSchema,
  llm: providerMeasurementSchema,
});
export type PoolMeasurement = z.infer<typeof poolMeasurementSchema>;

/** One media server's answer: its pool, or why it could not be asked. */
const mediaServerPoolSchema = z.object({
  mediaServer: z.string(),
  reachable: z.boolean(),
  error: z.string().optional(),
  pool: poolStatusSchema.extend({ lastMeasurement: poolMeasurementSchema.nullable() }).optional(),
});

export const prewarmingAnswerSchema = z.object({ mediaServers: z.array(mediaServerPoolSchema) });
export const measureAnswerSchema = z.object({ mediaServer: z.string(), measurement: poolMeasurementSchema });

/** What the API sends the media server's signed control endpoint: the action is inside the signed body. */
export const poolControlRequestSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('status') }),
  z.strictObject({ action: z.literal('start'), settings: startPrewarmingSchema }),
  z.strictObject({ action: z.literal('stop') }),
  z.strictObject({ action: z.literal('measure'), samples: measurePrewarmingSchema.shape.samples }),
]);
export type PoolControlRequest = z.infer<typeof poolControlRequestSchema>;
