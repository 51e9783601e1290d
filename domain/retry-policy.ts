import type { ExhaustedFailureReason, FailureReason } from './failure-reason';

/**
 * How a failed attempt is retried. Delays grow exponentially per reason (initial × multiplier^(n-1)),
 * are capped, and get ±jitter so that a batch of calls that failed together does not redial together.
 */
export interface ReasonRetryRule {
  maxRetries: number;
  initialDelayMs: number;
}

export interface RetryPolicy {
  rules: Partial<Record<FailureReason, ReasonRetryRule>>;
  multiplier: number;
  maxDelayMs: number;
  /** Fraction of the delay drawn uniformly from [-jitter, +jitter]. */
  jitter: number;
  /** Hard cap on attempts of one call across all reasons, so alternating failures cannot loop forever. */
  maxTotalAttempts: number;
}

const MINUTE = 60_000;

/** The seed's table. Reasons absent here (voicemail, invalid_number, …) are never retried. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  rules: {
    no_answer: { maxRetries: 3, initialDelayMs: 5 * MINUTE },
    unreachable: { maxRetries: 3, initialDelayMs: 5 * MINUTE },
    busy: { maxRetries: 3, initialDelayMs: 10 * MINUTE },
    network_error: { maxRetries: 5, initialDelayMs: 1 * MINUTE },
    rate_limited: { maxRetries: 5, initialDelayMs: 1 * MINUTE },
    connection_lost: { maxRetries: 1, initialDelayMs: 0 },
    no_response: { maxRetries: 3, initialDelayMs: 5 * MINUTE },
  },
  multiplier: 2,
  maxDelayMs: 60 * MINUTE,
  jitter: 0.1,
  maxTotalAttempts: 12,
};

/** What a request may override; anything left out keeps the default. */
export interface RetryPolicyOverride {
  rules?: Partial<Record<FailureReason, Partial<ReasonRetryRule>>>;
  multiplier?: number;
  maxDelayMs?: number;
  jitter?: number;
  maxTotalAttempts?: number;
  /** Retries do not land in the account's peak hours (PEAK_HOURS_START–END in the callee's zone); they move to its end. */
  avoidPeakHours?: boolean;
}

export function resolveRetryPolicy(override?: RetryPolicyOverride, base: RetryPolicy = DEFAULT_RETRY_POLICY): RetryPolicy {
  if (!override) return base;
  const rules: RetryPolicy['rules'] = { ...base.rules };
  for (const [reason, rule] of Object.entries(override.rules ?? {}) as [FailureReason, Partial<ReasonRetryRule>][]) {
    const current = rules[reason] ?? { maxRetries: 0, initialDelayMs: 0 };
    rules[reason] = { ...current, ...rule };
  }
  return {
    rules,
    multiplier: override.multiplier ?? base.multiplier,
    maxDelayMs: override.maxDelayMs ?? base.maxDelayMs,
    jitter: override.jitter ?? base.jitter,
    maxTotalAttempts: override.maxTotalAttempts ?? base.maxTotalAttempts,
  };
}

export type RetryDecision =
  | { retry: true; delayMs: number; retryNumber: number }
  | { retry: false; finalReason: FailureReason | ExhaustedFailureReason };

/**
 * @param retriesSoFar retries already made for this same reason
 * @param attemptsSoFar attempts already made for the call, this one included
 * @param random a number in [0, 1); workflows pass their deterministic Math.random()
 */
export function decideRetry(
  reason: FailureReason,
  retriesSoFar: number,
  attemptsSoFar: number,
  policy: RetryPolicy,
  random: number,
): RetryDecision {
  const rule = policy.rules[reason];
  if (!rule || rule.maxRetries <= 0) return { retry: false, finalReason: reason };
  if (retriesSoFar >= rule.maxRetries || attemptsSoFar >= policy.maxTotalAttempts) {
    return { retry: false, finalReason: `${reason}_max_retries` };
  }
  const base = Math.min(rule.initialDelayMs * policy.multiplier ** retriesSoFar, policy.maxDelayMs);
  const jittered = base * (1 + policy.jitter * (2 * random - 1));
  return { retry: true, delayMs: Math.max(0, Math.round(jittered)), retryNumber: retriesSoFar + 1 };
}
