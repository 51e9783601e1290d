import { z } from 'zod';
import type { Logger } from '../../lib/logger';

/** Pace of the simulated model. Defaults are gpt-4o-mini's published medians (DESIGN 7.3). */
const paceSchema = z.object({
  /** From the request until the first token (≈ 290 ms median, 420 ms P95). */
  ttftMs: z.number().finite().nonnegative().default(290),
  /** Tokens per second after the first. */
  tokensPerSecond: z.number().finite().positive().default(80),
  /**
   * The first request on a new connection waits this long before it is handled: the TCP and TLS round
   * trips a new connection costs over a long path, which loopback does not have. 0: none.
   */
  connectionSetupMs: z.number().finite().nonnegative().default(0),
  /** Added to every embeddings answer; 0: as fast as the simulator computes it (see README.md). */
  embeddingsLatencyMs: z.number().finite().nonnegative().default(0),
});

export type OpenAiSimulatorPace = z.infer<typeof paceSchema>;

const optionsSchema = paceSchema.extend({
  /** Interface to listen on. */
  host: z.string().min(1).default('127.0.0.1'),
  /** When set, only this key is accepted; otherwise any non-empty Bearer key is. */
  apiKey: z.string().min(1).optional(),
});

export type OpenAiSimulatorOptions = z.input<typeof optionsSchema> & {
  /** Default: `createLogger('openai-sim')`. */
  logger?: Logger;
};

export type ResolvedOpenAiOptions = z.infer<typeof optionsSchema>;

export function resolveOptions(options: OpenAiSimulatorOptions): ResolvedOpenAiOptions {
  const { logger: _logger, ...rest } = options;
  const parsed = optionsSchema.safeParse(rest);
  if (!parsed.success) throw new Error(`invalid OpenAI simulator options: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
