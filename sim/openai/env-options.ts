import { z } from 'zod';
import type { OpenAiSimulatorOptions } from './simulator-options';

/**
 * The runnable simulator's settings from environment variables. The key uses the same name as
 * Ringline's own config (OPENAI_API_KEY), so one .env serves both; everything else is `OPENAI_SIM_*`.
 * Range checks happen in the options schema.
 */
const envSchema = z.object({
  OPENAI_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(4030),
  OPENAI_SIM_HOST: z.string().min(1).default('127.0.0.1'),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_SIM_TTFT_MS: z.coerce.number().optional(),
  OPENAI_SIM_TOKENS_PER_SECOND: z.coerce.number().optional(),
  OPENAI_SIM_CONNECTION_SETUP_MS: z.coerce.number().optional(),
  OPENAI_SIM_EMBEDDINGS_LATENCY_MS: z.coerce.number().optional(),
});

export function simulatorOptionsFromEnv(env: NodeJS.ProcessEnv): { port: number; options: OpenAiSimulatorOptions } {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = envSchema.parse(present);
  return {
    port: parsed.OPENAI_SIM_PORT,
    options: {
      host: parsed.OPENAI_SIM_HOST,
      apiKey: parsed.OPENAI_API_KEY,
      ttftMs: parsed.OPENAI_SIM_TTFT_MS,
      tokensPerSecond: parsed.OPENAI_SIM_TOKENS_PER_SECOND,
      connectionSetupMs: parsed.OPENAI_SIM_CONNECTION_SETUP_MS,
      embeddingsLatencyMs: parsed.OPENAI_SIM_EMBEDDINGS_LATENCY_MS,
    },
  };
}
