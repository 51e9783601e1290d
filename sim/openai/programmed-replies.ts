import { z } from 'zod';

/**
 * Replies programmed through `POST /sim/replies`: when the last user message contains `match`
 * (case-insensitive), the model answers `reply` — a text, or a call of one of the request's tools.
 * The first programmed reply that matches wins; they are kept until reset.
 */
export const programmedReplySchema = z.object({
  match: z.string().min(1),
  reply: z.union([
    z.string().min(1),
    z.object({ tool: z.string().min(1), arguments: z.record(z.string(), z.unknown()).default({}) }),
  ]),
});

export type ProgrammedReply = z.infer<typeof programmedReplySchema>;

export class ProgrammedReplies {
  private replies: ProgrammedReply[] = [];

  add(reply: ProgrammedReply): void {
    this.replies.push(reply);
  }

  all(): ProgrammedReply[] {
    return [...this.replies];
  }

  reset(): void {
    this.replies = [];
  }
}
