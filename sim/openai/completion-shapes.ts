import type { Reply } from './reply-rules';

/**
 * The objects OpenAI answers with: `chat.completion` (stream: false) and `chat.completion.chunk`
 * (stream: true), field for field as gpt-4o-mini sends them.
 */
export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
  completion_tokens_details: { reasoning_tokens: number; audio_tokens: number; accepted_prediction_tokens: number; rejected_prediction_tokens: number };
}

export type FinishReason = 'stop' | 'length' | 'tool_calls';

const SYSTEM_FINGERPRINT = 'fp_sim0000001';

export function usage(promptTokens: number, completionTokens: number): Usage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

export function completion(identity: CompletionIdentity, reply: Reply, toolCallId: string, output: string, finishReason: FinishReason, totals: Usage): Record<string, unknown> {
  const message =
    reply.kind === 'tool'
      ? { role: 'assistant', content: null, refusal: null, annotations: [], tool_calls: [{ id: toolCallId, type: 'function', function: { name: reply.name, arguments: output } }] }
      : { role: 'assistant', content: output, refusal: null, annotations: [] };
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
    usage: totals,
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

/** One streamed chunk; with `include_usage` every chunk carries `usage: null` until the last. */
export function chunk(identity: CompletionIdentity, choices: Record<string, unknown>[], withUsage: boolean, totals?: Usage): Record<string, unknown> {
  return {
    id: identity.id,
    object: 'chat.completion.chunk',
    created: identity.created,
    model: identity.model,
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices,
    ...(withUsage ? { usage: totals ?? null } : {}),
  };
}

export function deltaChoice(delta: Record<string, unknown>, finishReason: FinishReason | null = null): Record<string, unknown> {
  return { index: 0, delta, logprobs: null, finish_reason: finishReason };
}

/**
 * The deltas of a reply, one per token. Text: the role with empty content first, then the text.
 * Tool call: the first fragment names the call (`id`, `type`, `function.name`, empty arguments),
 * the arguments follow in pieces, merged by the client on `index`.
 */
export function replyDeltas(reply: Reply, toolCallId: string, tokens: string[]): Record<string, unknown>[] {
  if (reply.kind === 'text') {
    return [{ role: 'assistant', content: '', refusal: null }, ...tokens.map((token) => ({ content: token }))];
  }
  return [
    { role: 'assistant', content: null, tool_calls: [{ index: 0, id: toolCallId, type: 'function', function: { name: reply.name, arguments: '' } }], refusal: null },
    ...tokens.map((token) => ({ tool_calls: [{ index: 0, function: { arguments: token } }] })),
  ];
}
