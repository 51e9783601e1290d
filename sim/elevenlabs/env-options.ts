import { z } from 'zod';
import { TUNING_KEYS, type ElevenLabsSimulatorOptions, type ElevenLabsSimulatorTuning } from './simulator-options';

/**
 * The runnable simulator's settings from environment variables. The key uses the same name as
 * Ringline's own config (ELEVENLABS_API_KEY), so one .env serves both; everything else is
 * `ELEVENLABS_SIM_*`, and each tuning option has a variable named after it
 * (ttsFirstByteMs → ELEVENLABS_SIM_TTS_FIRST_BYTE_MS). Range checks happen in the options schema.
 */
const envSchema = z.object({
  ELEVENLABS_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(4040),
  ELEVENLABS_SIM_HOST: z.string().min(1).default('127.0.0.1'),
  ELEVENLABS_API_KEY: z.string().min(1).optional(),
});

function tuningVariable(key: keyof ElevenLabsSimulatorTuning): string {
  return `ELEVENLABS_SIM_${key.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;
}

export function simulatorOptionsFromEnv(env: NodeJS.ProcessEnv): { port: number; options: ElevenLabsSimulatorOptions } {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = envSchema.parse(present);
  const options: ElevenLabsSimulatorOptions = { host: parsed.ELEVENLABS_SIM_HOST, apiKey: parsed.ELEVENLABS_API_KEY };
  for (const key of TUNING_KEYS) {
    const name = tuningVariable(key);
    const raw = present[name];
    if (raw === undefined) continue;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got ${raw}`);
    options[key] = value;
  }
  return { port: parsed.ELEVENLABS_SIM_PORT, options };
}
