import { z } from 'zod';

/**
 * Query parameters of `/v1/speak` (REST and WebSocket). The simulator synthesizes `linear16`
 * only; Aura's linear16 sample rates are accepted. REST wraps linear16 in a WAV container unless
 * `container=none` (Deepgram's default for linear16 is wav); the socket always streams raw audio.
 */
export interface SpeakParams {
  model: string;
  sampleRate: number;
  container: 'wav' | 'none';
}

const SAMPLE_RATES = [8000, 16000, 24000, 32000, 48000] as const;

const querySchema = z.object({
  model: z.string().min(1).default('aura-asteria-en'),
  encoding: z.literal('linear16', { error: 'the simulator synthesizes encoding=linear16 only' }),
  sample_rate: z
    .string()
    .default('24000')
    .transform(Number)
    .pipe(z.number().refine((rate) => (SAMPLE_RATES as readonly number[]).includes(rate), `sample_rate must be one of ${SAMPLE_RATES.join(', ')}`)),
  container: z.enum(['wav', 'none']).default('wav'),
});

export type SpeakParamsResult = { ok: true; params: SpeakParams } | { ok: false; message: string };

export function parseSpeakParams(query: URLSearchParams): SpeakParamsResult {
  const parsed = querySchema.safeParse(Object.fromEntries([...query.keys()].map((key) => [key, query.get(key) ?? undefined])));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `Invalid query parameter ${issue.path.join('.')}: ${issue.message}` };
  }
  return { ok: true, params: { model: parsed.data.model, sampleRate: parsed.data.sample_rate, container: parsed.data.container } };
}
