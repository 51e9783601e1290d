import { z } from 'zod';
import { DEFAULT_TIMING, type ExotelSimulatorOptions, type SimulatorTiming } from './simulator-options';

/**
 * The runnable simulator's settings from environment variables. Account and credentials use the same
 * names as Ringline's own config, so one .env serves both; everything else is `EXOTEL_SIM_*`, and each
 * timing option has a variable named after it (ringMs → EXOTEL_SIM_RING_MS).
 */
const nonNegative = z.coerce.number().nonnegative();

const envSchema = z.object({
  EXOTEL_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
  EXOTEL_SIM_HOST: z.string().min(1).default('127.0.0.1'),
  EXOTEL_ACCOUNT_SID: z.string().min(1).default('ringline-sim'),
  EXOTEL_API_KEY: z.string().min(1).default('sim-key'),
  EXOTEL_API_TOKEN: z.string().min(1).default('sim-token'),
  EXOTEL_SIM_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().nonnegative().default(200),
  EXOTEL_SIM_VOICEBOT_URL: z.url().optional(),
  EXOTEL_SIM_SEED: z.coerce.number().int().default(1),
});

export function timingVariable(key: keyof SimulatorTiming): string {
  return `EXOTEL_SIM_${key.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;
}

export function simulatorOptionsFromEnv(env: NodeJS.ProcessEnv): { port: number; options: ExotelSimulatorOptions } {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = envSchema.parse(present);
  const options: ExotelSimulatorOptions = {
    host: parsed.EXOTEL_SIM_HOST,
    accountSid: parsed.EXOTEL_ACCOUNT_SID,
    apiKey: parsed.EXOTEL_API_KEY,
    apiToken: parsed.EXOTEL_API_TOKEN,
    rateLimitPerMinute: parsed.EXOTEL_SIM_RATE_LIMIT_PER_MINUTE,
    voicebotUrl: parsed.EXOTEL_SIM_VOICEBOT_URL,
    seed: parsed.EXOTEL_SIM_SEED,
  };
  for (const key of Object.keys(DEFAULT_TIMING) as (keyof SimulatorTiming)[]) {
    const name = timingVariable(key);
    const raw = present[name];
    if (raw === undefined) continue;
    const value = nonNegative.safeParse(raw);
    if (!value.success) throw new Error(`${name} must be a non-negative number, got ${raw}`);
    options[key] = value.data;
  }
  return { port: parsed.EXOTEL_SIM_PORT, options };
}
