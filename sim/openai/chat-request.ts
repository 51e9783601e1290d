import { z } from 'zod';
import { invalidRequest, type OpenAiErrorDetails } from './openai-error';

/**
 * The body of `POST /v1/chat/completions`, as far as the simulator reads it, checked the way
 * OpenAI checks it: required parameters, types, message roles, and no unknown top-level argument.
 * Parameters that only tune sampling (temperature, seed, …) are accepted and have no effect.
 */
const text = z.string();
const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });
const content = z.union([text, z.array(contentPart)]);

const toolCall = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

const message = z.discriminatedUnion('role', [
  z.looseObject({ role: z.literal('system'), content, name: z.string().optional() }),
  z.looseObject({ role: z.literal('developer'), content, name: z.string().optional() }),
  z.looseObject({ role: z.literal('user'), content, name: z.string().optional() }),
  z.looseObject({
    role: z.literal('assistant'),
    content: content.nullable().optional(),
    tool_calls: z.array(toolCall).optional(),
    name: z.string().optional(),
  }),
  z.looseObject({ role: z.literal('tool'), content, tool_call_id: z.string() }),
]);

const tool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, underscores or dashes'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

const positiveInt = z.number().int().positive();

const requestSchema = z.strictObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  tools: z.array(tool).optional(),
  tool_choice: z
    .union([z.enum(['none', 'auto', 'required']), z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) })])
    .optional(),
  parallel_tool_calls: z.boolean().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional(), include_obfuscation: z.boolean().optional() }).nullable().optional(),
  max_tokens: positiveInt.nullable().optional(),
  max_completion_tokens: positiveInt.nullable().optional(),
  n: z.literal(1, { error: 'the simulator answers n=1 only' }).nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  presence_penalty: z.number().nullable().optional(),
  frequency_penalty: z.number().nullable().optional(),
  stop: z.union([z.string(), z.array(z.string())]).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  user: z.string().optional(),
  safety_identifier: z.string().optional(),
  prompt_cache_key: z.string().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  store: z.boolean().nullable().optional(),
  service_tier: z.string().nullable().optional(),
  logit_bias: z.record(z.string(), z.number()).nullable().optional(),
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: z.number().int().nullable().optional(),
  response_format: z.looseObject({ type: z.string() }).optional(),
  reasoning_effort: z.string().nullable().optional(),
  verbosity: z.string().nullable().optional(),
  modalities: z.array(z.string()).nullable().optional(),
});

export type ChatRequest = z.infer<typeof requestSchema>;
export type ChatMessage = z.infer<typeof message>;

export type ChatRequestResult = { ok: true; request: ChatRequest } | { ok: false; error: OpenAiErrorDetails };

export function parseChatRequest(body: unknown): ChatRequestResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: invalidRequest('The request body must be a JSON object.') };
  }
  // reportInput: an issue without input is a missing parameter, which OpenAI words differently.
  const parsed = requestSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) return { ok: false, error: toOpenAiError(parsed.error.issues[0]) };
  if (parsed.data.stream_options != null && parsed.data.stream !== true) {
    return { ok: false, error: invalidRequest("The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options') };
  }
  return { ok: true, request: parsed.data };
}

/** OpenAI's wording for the first problem found, with `messages[0].content`-style paths in `param`. */
function toOpenAiError(issue: z.core.$ZodIssue): OpenAiErrorDetails {
  if (issue.code === 'unrecognized_keys') return invalidRequest(`Unrecognized request argument supplied: ${issue.keys.join(', ')}`);
  const param = issue.path.reduce<string>((path, key) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${String(key)}` : String(key)), '');
  if (issue.input === undefined) return invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
  if (issue.code === 'too_small' && issue.origin === 'array') {
    return invalidRequest(`Invalid '${param}': empty array. Expected an array with minimum length ${String(issue.minimum)}, but got an empty array instead.`, param, 'empty_array');
  }
  if (issue.code === 'invalid_union' && param.endsWith('.role')) {
    return invalidRequest(`Invalid value: '${String(issue.input)}'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.`, param, 'invalid_value');
  }
  if (issue.code === 'invalid_type') return invalidRequest(`Invalid type for '${param}': ${issue.message}.`, param, 'invalid_type');
  return invalidRequest(`Invalid value for '${param}': ${issue.message}.`, param, 'invalid_value');
}
