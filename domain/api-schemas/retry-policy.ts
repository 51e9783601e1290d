import { z } from 'zod';
import { FAILURE_REASONS } from '../failure-reason';
import type { RetryPolicyOverride } from '../retry-policy';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** A cancelled call, or one to a number on the do-not-call list, must never redial, whatever a request asks. */
const RETRYABLE_REASONS = FAILURE_REASONS.filter((reason) => reason !== 'cancelled' && reason !== 'dnd');

const reasonRuleSchema = z.strictObject({
  maxRetries: z.int().min(0).max(10).optional(),
  initialDelayMs: z.int().min(0).max(WEEK_MS).optional(),
  maxDelayMs: z.int().min(0).max(WEEK_MS).optional(),
});

/** Mirrors `RetryPolicyOverride`: only what is given replaces the default policy. */
export const retryPolicyOverrideSchema: z.ZodType<RetryPolicyOverride> = z.strictObject({
  rules: z.partialRecord(z.enum(RETRYABLE_REASONS), reasonRuleSchema).optional(),
  multiplier: z.number().min(1).max(10).optional(),
  maxDelayMs: z.int().min(0).max(WEEK_MS).optional(),
  jitter: z.number().min(0).max(1).optional(),
  maxTotalAttempts: z.int().min(1).max(30).optional(),
  avoidPeakHours: z.boolean().optional(),
});
