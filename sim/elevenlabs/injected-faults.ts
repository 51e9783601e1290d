import { z } from 'zod';

/**
 * Answers a test can make the next synthesis requests get instead of audio, each one ElevenLabs
 * really gives: a server error, `system_busy`, the concurrency limit, an exhausted quota. `count`
 * requests get it (null: every request until cleared).
 */
export const FAULT_ANSWERS = ['server_error', 'system_busy', 'too_many_concurrent_requests', 'quota_exceeded'] as const;
export type FaultAnswer = (typeof FAULT_ANSWERS)[number];

export const faultSchema = z.strictObject({
  answer: z.enum(FAULT_ANSWERS),
  count: z.int().positive().nullable().default(1),
});
export type Fault = z.infer<typeof faultSchema>;

export class InjectedFaults {
  private fault: { answer: FaultAnswer; remaining: number | null } | undefined;

  set(fault: Fault): void {
    this.fault = { answer: fault.answer, remaining: fault.count };
  }

  clear(): void {
    this.fault = undefined;
  }

  get current(): Fault | null {
    return this.fault ? { answer: this.fault.answer, count: this.fault.remaining } : null;
  }

  /** The answer the next synthesis request gets, if any; counts it off. */
  take(): FaultAnswer | undefined {
    const fault = this.fault;
    if (!fault) return undefined;
    if (fault.remaining !== null) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.fault = undefined;
    }
    return fault.answer;
  }
}
