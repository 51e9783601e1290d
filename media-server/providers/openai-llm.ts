import OpenAI from 'openai';
import type { LanguageModel, LlmEvent, LlmRequest } from '../pipeline/llm';

export interface OpenAiConfig {
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
  maxRetries: number;
  /** The HTTP client under the SDK (default: the global fetch): a keep-alive one lets the pool keep a connection warm. */
  fetch?: typeof fetch;
}

export interface OpenAiLanguageModel extends LanguageModel {
  /** The cheapest authenticated request (the model list), sent to keep the connection open. */
  ping(): Promise<void>;
}

interface PartialToolCall {
  name: string;
  arguments: string;
}

/**
 * Chat completions through the real `openai` SDK (DESIGN 7.3), streamed: text deltas go on to the
 * sentence splitter as they come; tool calls arrive in fragments merged by index and are handed
 * over whole when the stream ends. A short timeout and at most one retry: a voice turn cannot wait
 * for the SDK's defaults (ten minutes, two retries).
 */
export function createOpenAiLlm(config: OpenAiConfig): OpenAiLanguageModel {
  const client = new OpenAI({ apiKey: config.apiKey, baseURL: config.baseUrl, timeout: config.timeoutMs, maxRetries: config.maxRetries, fetch: config.fetch });
  return {
    async ping(): Promise<void> {
      await client.models.list({ maxRetries: 0 });
    },
    async *stream(request: LlmRequest, signal: AbortSignal): AsyncIterable<LlmEvent> {
      const stream = await client.chat.completions.create(
        {
          model: request.model,
          messages: request.messages,
          // OpenAI refuses an empty tool list; a request without tools leaves the field out.
          tools:
            request.tools.length === 0
              ? undefined
              : request.tools.map((tool) => ({
                  type: 'function' as const,
                  function: { name: tool.name, description: tool.description, parameters: tool.parameters },
                })),
          stream: true,
          stream_options: { include_usage: true },
        },
        { signal },
      );
      const toolCalls = new Map<number, PartialToolCall>();
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta;
        if (!delta) continue;
        if (delta.content) yield { kind: 'text', text: delta.content };
        for (const fragment of delta.tool_calls ?? []) {
          const call = toolCalls.get(fragment.index) ?? { name: '', arguments: '' };
          call.name += fragment.function?.name ?? '';
          call.arguments += fragment.function?.arguments ?? '';
          toolCalls.set(fragment.index, call);
        }
      }
      for (const [, call] of [...toolCalls].sort(([a], [b]) => a - b)) {
        if (call.name) yield { kind: 'tool_call', name: call.name, arguments: call.arguments };
      }
    },
  };
}
