import { z } from 'zod';

/**
 * Query parameters of `GET /v1/listen` that change what the simulator sends. Booleans travel as
 * the strings "true"/"false" (the v5 SDK's types say so too). Parameters it does not model
 * (`language`, `keyterm`, `numerals`, …) are accepted and ignored, as unknown ones are by Deepgram.
 */
export interface ListenParams {
  model: string;
  sampleRate: number;
  interimResults: boolean;
  /** Silence that closes a segment with `speech_final: true`; null for `endpointing=false`. */
  endpointingMs: number | null;
  utteranceEndMs: number | null;
  vadEvents: boolean;
  /** `punctuate` or `smart_format`: transcripts keep case and punctuation, words get `punctuated_word`. */
  punctuate: boolean;
  /** Every `tag` value, in order: the first that names a script is the stream's script key. */
  tags: string[];
  /** `extra=key:value` pairs, echoed in each result's metadata as Deepgram does. */
  extra: Record<string, string>;
}

const flag = z.enum(['true', 'false']).optional().transform((value) => value === 'true');
const integer = z.string().regex(/^\d+$/, 'expected a whole number').transform(Number);

const querySchema = z.object({
  model: z.string().min(1).default('base'),
  encoding: z.literal('linear16', { error: 'the simulator understands encoding=linear16 only (raw 16-bit little-endian PCM)' }),
  sample_rate: integer.pipe(z.number().int().min(8000).max(48000)),
  channels: integer.pipe(z.literal(1, { error: 'the simulator transcribes mono audio only (channels=1)' })).optional(),
  interim_results: flag,
  // Deepgram's default endpointing is 10 ms.
  endpointing: z.union([z.literal('false').transform(() => null), z.literal('true').transform(() => 10), integer]).default(10),
  utterance_end_ms: integer.pipe(z.number().min(1000, 'utterance_end_ms must be at least 1000')).optional(),
  vad_events: flag,
  punctuate: flag,
  smart_format: flag,
});

export type ListenParamsResult = { ok: true; params: ListenParams } | { ok: false; message: string };

export function parseListenParams(query: URLSearchParams): ListenParamsResult {
  const single = Object.fromEntries([...query.keys()].map((key) => [key, query.get(key) ?? undefined]));
  const parsed = querySchema.safeParse(single);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `Invalid query parameter ${issue.path.join('.')}: ${issue.message}` };
  }
  const q = parsed.data;
  return {
    ok: true,
    params: {
      model: q.model,
      sampleRate: q.sample_rate,
      interimResults: q.interim_results,
      endpointingMs: q.endpointing,
      utteranceEndMs: q.utterance_end_ms ?? null,
      vadEvents: q.vad_events,
      punctuate: q.punctuate || q.smart_format,
      tags: query.getAll('tag').filter((tag) => tag !== ''),
      extra: Object.fromEntries(
        query
          .getAll('extra')
          .map((pair) => pair.split(':'))
          .filter((parts) => parts.length >= 2 && parts[0] !== '')
          .map(([key, ...value]) => [key, value.join(':')]),
      ),
    },
  };
}
