import { DEFAULT_RETRY_POLICY, decideRetry, resolveRetryPolicy } from '../../domain/retry-policy';

const MIN = 60_000;
const noJitter = resolveRetryPolicy({ jitter: 0 });

describe('decideRetry with the seed table (no jitter)', () => {
  it.each([
    // reason, retries so far, expected delay or final reason
    ['no_answer', 0, 5 * MIN],
    ['no_answer', 1, 10 * MIN],
    ['no_answer', 2, 20 * MIN],
    ['no_answer', 3, 'no_answer_max_retries'],
    ['busy', 0, 10 * MIN],
    ['busy', 2, 40 * MIN],
    ['busy', 3, 'busy_max_retries'],
    ['network_error', 0, 1 * MIN],
    ['network_error', 4, 16 * MIN],
    ['network_error', 5, 'network_error_max_retries'],
    ['rate_limited', 0, 1 * MIN],
    ['rate_limited', 5, 'rate_limited_max_retries'],
    ['connection_lost', 0, 0],
    ['connection_lost', 1, 'connection_lost_max_retries'],
    ['no_response', 0, 5 * MIN],
    ['unreachable', 0, 5 * MIN],
    ['unreachable', 2, 20 * MIN],
    ['unreachable', 3, 'unreachable_max_retries'],
    ['no_response', 3, 'no_response_max_retries'],
    ['voicemail', 0, 'voicemail'],
    ['invalid_number', 0, 'invalid_number'],
    ['dnd_blocked', 0, 'dnd_blocked'],
    ['configuration_error', 0, 'configuration_error'],
    ['exotel_failed', 0, 'exotel_failed'],
  ] as const)('%s after %i retries → %s', (reason, retries, expected) => {
    const decision = decideRetry(reason, retries, retries + 1, noJitter, 0.5);
    if (typeof expected === 'number') {
      expect(decision).toEqual({ retry: true, delayMs: expected, retryNumber: retries + 1 });
    } else {
      expect(decision).toEqual({ retry: false, finalReason: expected });
    }
  });

  it('caps the delay at maxDelayMs', () => {
    const policy = resolveRetryPolicy({ jitter: 0, maxDelayMs: 15 * MIN, rules: { busy: { maxRetries: 10 } } });
    expect(decideRetry('busy', 5, 6, policy, 0.5)).toMatchObject({ delayMs: 15 * MIN });
  });

  it('stops at maxTotalAttempts whatever the reason', () => {
    const policy = resolveRetryPolicy({ jitter: 0, maxTotalAttempts: 4 });
    expect(decideRetry('network_error', 1, 4, policy, 0.5)).toEqual({ retry: false, finalReason: 'network_error_max_retries' });
  });
});

describe('jitter', () => {
  it.each([
    [0, 0.9],
    [0.5, 1],
    [0.999999, 1.1],
  ])('random %f scales the delay by about %f', (random, factor) => {
    const decision = decideRetry('busy', 0, 1, DEFAULT_RETRY_POLICY, random);
    expect(decision.retry && decision.delayMs).toBeCloseTo(10 * MIN * factor, -1);
  });
});

describe('resolveRetryPolicy', () => {
  it('overrides one reason and keeps the rest', () => {
    const policy = resolveRetryPolicy({ rules: { no_answer: { initialDelayMs: 1000 } } });
    expect(policy.rules.no_answer).toEqual({ maxRetries: 3, initialDelayMs: 1000 });
    expect(policy.rules.busy).toEqual(DEFAULT_RETRY_POLICY.rules.busy);
  });

  it('can make a never-retried reason retryable, or turn retries off', () => {
    const policy = resolveRetryPolicy({ rules: { exotel_failed: { maxRetries: 2, initialDelayMs: 5 }, busy: { maxRetries: 0 } } });
    expect(decideRetry('exotel_failed', 0, 1, policy, 0.5)).toMatchObject({ retry: true });
    expect(decideRetry('busy', 0, 1, policy, 0.5)).toEqual({ retry: false, finalReason: 'busy' });
  });

  it('returns the default itself when there is nothing to override', () => {
    expect(resolveRetryPolicy(undefined)).toBe(DEFAULT_RETRY_POLICY);
  });
});
