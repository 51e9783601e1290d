import type { ChatRequest } from './chat-request';

/** One chat request as the simulator received it, and the reply it decided to generate. */
export interface ReceivedRequest {
  at: string;
  model: string;
  messages: ChatRequest['messages'];
  reply: { kind: 'text'; text: string } | { kind: 'tool'; name: string; arguments: string };
}

const KEPT = 200;

/**
 * The latest requests, for tests that check what a client sends the model (a prompt a caller's data
 * must not rewrite) and what it was answered. Bounded, so a long-running simulator stays small.
 */
export class ReceivedRequests {
  private readonly kept: ReceivedRequest[] = [];

  add(request: ReceivedRequest): void {
    this.kept.push(request);
    if (this.kept.length > KEPT) this.kept.shift();
  }

  all(): ReceivedRequest[] {
    return [...this.kept];
  }

  reset(): void {
    this.kept.length = 0;
  }
}
