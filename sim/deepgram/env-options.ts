import { z } from 'zod';
import { TUNING_KEYS, type DeepgramSimulatorOptions, type DeepgramSimulatorTuning } from './simulator-options';

/**
 * The runnable simulator's settings from environment variables. The key uses the same name as
 * Ringline's own config (DEEPGRAM_API_KEY), so one .env serves both; everything else is
 * `DEEPGRAM_SIM_*`, and each tuning option has a variable named after it
 * (finalLatencyMs → DEEPGRAM_SIM_FINAL_LATENCY_MS). Range checks happen in the options schema.
 */
const envSchema = z.object({
  DEEPGRAM_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(4020),
  DEEPGRAM_SIM_HOST: z.string().min(1).default('127.0.0.1'),
  DEEPGRAM_API_KEY: z.string().min(1).optional(),
  /** `none` turns the Exotel script lookup off. */
  DEEPGRAM_SIM_EXOTEL_URL: z.union([z.literal('none'), z.url()]).default('http://127.0.0.1:4010'),
});

function tuningVariable(key: keyof DeepgramSimulatorTuning): string {
  return `DEEPGRAM_SIM_${key.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;
}

export function simulatorOptionsFromEnv(env: NodeJS.ProcessEnv): { port: number; options: DeepgramSimulatorOptions } {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = envSchema.parse(present);
  const options: DeepgramSimulatorOptions = {
    host: parsed.DEEPGRAM_SIM_HOST,
    apiKey: parsed.DEEPGRAM_API_KEY,
    exotelSimUrl: parsed.DEEPGRAM_SIM_EXOTEL_URL === 'none' ? null : parsed.DEEPGRAM_SIM_EXOTEL_URL,
  };
  for (const key of TUNING_KEYS) {
    const name = tuningVariable(key);
    const raw = present[name];
    if (raw === undefined) continue;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got ${raw}`);
    options[key] = value;
  }
  return { port: parsed.DEEPGRAM_SIM_PORT, options };
}
