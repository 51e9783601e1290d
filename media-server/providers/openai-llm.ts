import OpenAI from 'openai';
import type { LanguageModel, LlmEvent, LlmRequest } from '../pipeline/llm';

export interface OpenAiConfig {
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
  maxRetries: number;
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
export function createOpenAiLlm(config: OpenAiConfig): LanguageModel {
  const client = new OpenAI({ apiKey: config.apiKey, baseURL: config.baseUrl, timeout: config.timeoutMs, maxRetries: config.maxRetries });
  return {
    async *stream(request: LlmRequest, signal: AbortSignal): AsyncIterable<LlmEvent> {
      const stream = await client.chat.completions.create(
        {
          model: request.model,
          messages: request.messages,
          tools: request.tools.map((tool) => ({
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
