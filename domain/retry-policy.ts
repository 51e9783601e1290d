import type { ExhaustedFailureReason, FailureReason } from './failure-reason';

/**
 * How a failed attempt is retried. Delays grow exponentially per reason (initial × multiplier^(n-1)),
 * are capped per reason, and get ±jitter so that a batch of calls that failed together does not redial together.
 */
export interface ReasonRetryRule {
  maxRetries: number;
  initialDelayMs: number;
  /** The longest wait before one retry of this reason, before jitter. */
  maxDelayMs: number;
}

export interface RetryPolicy {
  rules: Partial<Record<FailureReason, ReasonRetryRule>>;
  multiplier: number;
  /** Fraction of the delay drawn uniformly from [-jitter, +jitter]. */
  jitter: number;
  /** Hard cap on attempts of one call across all reasons, so alternating failures cannot loop forever. */
  maxTotalAttempts: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * The seed's table. Reasons absent here (voicemail, invalid_number, …) are never retried. The caps of
 * rate_limited (10 min), network_error (15 min) and busy (2 h) are the seed's; the others are ours:
 * no_answer, unreachable and no_response 1 h (a callee away from the phone is back within hours, and a
 * longer wait would push the last retry out of the day's calling window); connection_lost 5 min (the
 * callee was on the line a moment ago, so a retry that waits longer finds them gone).
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  rules: {
    no_answer: { maxRetries: 3, initialDelayMs: 5 * MINUTE, maxDelayMs: HOUR },
    unreachable: { maxRetries: 3, initialDelayMs: 5 * MINUTE, maxDelayMs: HOUR },
    busy: { maxRetries: 3, initialDelayMs: 10 * MINUTE, maxDelayMs: 2 * HOUR },
    network_error: { maxRetries: 5, initialDelayMs: 1 * MINUTE, maxDelayMs: 15 * MINUTE },
    rate_limited: { maxRetries: 5, initialDelayMs: 1 * MINUTE, maxDelayMs: 10 * MINUTE },
    connection_lost: { maxRetries: 1, initialDelayMs: 0, maxDelayMs: 5 * MINUTE },
    no_response: { maxRetries: 3, initialDelayMs: 5 * MINUTE, maxDelayMs: HOUR },
  },
  multiplier: 2,
  jitter: 0.1,
  maxTotalAttempts: 12,
};

/** The cap of a reason that a request makes retryable when the table never retries it. */
export const OPENED_REASON_MAX_DELAY_MS = HOUR;

/** What a request may override; anything left out keeps the default. */
export interface RetryPolicyOverride {
  rules?: Partial<Record<FailureReason, Partial<ReasonRetryRule>>>;
  multiplier?: number;
  /** One cap for every reason, replacing the table's per-reason caps; a reason's own `maxDelayMs` in `rules` still wins. */
  maxDelayMs?: number;
  jitter?: number;
  maxTotalAttempts?: number;
  /** Retries do not land in the account's peak hours (PEAK_HOURS_START–END in the callee's zone); they move to its end. */
  avoidPeakHours?: boolean;
}

export function resolveRetryPolicy(override?: RetryPolicyOverride, base: RetryPolicy = DEFAULT_RETRY_POLICY): RetryPolicy {
  if (!override) return base;
  const cap = override.maxDelayMs;
  const rules: RetryPolicy['rules'] = {};
  for (const [reason, rule] of Object.entries(base.rules) as [FailureReason, ReasonRetryRule][]) {
    rules[reason] = cap === undefined ? rule : { ...rule, maxDelayMs: cap };
  }
  for (const [reason, rule] of Object.entries(override.rules ?? {}) as [FailureReason, Partial<ReasonRetryRule>][]) {
    const current = rules[reason] ?? { maxRetries: 0, initialDelayMs: 0, maxDelayMs: cap ?? OPENED_REASON_MAX_DELAY_MS };
    rules[reason] = { ...current, ...rule };
  }
  return {
    rules,
    multiplier: override.multiplier ?? base.multiplier,
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
  const base = Math.min(rule.initialDelayMs * policy.multiplier ** retriesSoFar, rule.maxDelayMs);
  const jittered = base * (1 + policy.jitter * (2 * random - 1));
  return { retry: true, delayMs: Math.max(0, Math.round(jittered)), retryNumber: retriesSoFar + 1 };
}
