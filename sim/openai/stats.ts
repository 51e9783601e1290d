import type { ReplyRule } from './reply-rules';

/**
 * Counters behind `GET /sim/stats`. One instance lives as long as the simulator; `reset` zeroes it
 * in place. `completionTokens` counts tokens actually generated, so an aborted stream counts what it sent.
 */
export class OpenAiStats {
  requests = 0;
  /** `GET /v1/models`, counted apart from chat requests: the media server's keep-alive sends them. */
  modelListRequests = 0;
  completed = 0;
  aborted = 0;
  errors: Record<string, number> = {};
  toolCalls = 0;
  replies: Partial<Record<ReplyRule, number>> = {};
  promptTokens = 0;
  completionTokens = 0;
  /** `POST /v1/embeddings`: requests (refused ones too), refusals, texts embedded and their tokens. */
  embeddingRequests = 0;
  embeddingErrors = 0;
  embeddedInputs = 0;
  embeddingTokens = 0;

  recordError(status: number): void {
    this.errors[String(status)] = (this.errors[String(status)] ?? 0) + 1;
  }

  recordReply(rule: ReplyRule, toolCall: boolean): void {
    this.replies[rule] = (this.replies[rule] ?? 0) + 1;
    if (toolCall) this.toolCalls += 1;
  }

  reset(): void {
    Object.assign(this, new OpenAiStats());
  }

  snapshot(): Record<string, unknown> {
    return {
      requests: this.requests,
      modelListRequests: this.modelListRequests,
      completed: this.completed,
      aborted: this.aborted,
      errors: { ...this.errors },
      toolCalls: this.toolCalls,
      replies: { ...this.replies },
      promptTokens: this.promptTokens,
      completionTokens: this.completionTokens,
      tokens: this.promptTokens + this.completionTokens,
      embeddings: { requests: this.embeddingRequests, errors: this.embeddingErrors, inputs: this.embeddedInputs, tokens: this.embeddingTokens },
    };
  }
}
