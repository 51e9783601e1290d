import type { ChatMessage, ToolDefinition } from '../../domain/conversation/chat-message';

export interface LlmRequest {
  model: string;
  messages: ChatMessage[];
  tools: ToolDefinition[];
}

export type LlmEvent =
  | { kind: 'text'; text: string }
  /** A complete tool call (its streamed fragments already joined). */
  | { kind: 'tool_call'; name: string; arguments: string };

/** A chat model vendor: the pipeline knows only this. Aborting `signal` stops the stream. */
export interface LanguageModel {
  stream(request: LlmRequest, signal: AbortSignal): AsyncIterable<LlmEvent>;
}
