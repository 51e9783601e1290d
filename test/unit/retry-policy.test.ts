import { DEFAULT_RETRY_POLICY, decideRetry, OPENED_REASON_MAX_DELAY_MS, resolveRetryPolicy } from '../../domain/retry-policy';

const MIN = 60_000;
const HOUR = 60 * MIN;
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
    ['network_error', 3, 8 * MIN],
    ['network_error', 4, 15 * MIN],
    ['network_error', 5, 'network_error_max_retries'],
    ['rate_limited', 0, 1 * MIN],
    ['rate_limited', 3, 8 * MIN],
    ['rate_limited', 4, 10 * MIN],
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
  ] as const)('%s after %i retries → %s', (reason, retries, expected) => {
    const decision = decideRetry(reason, retries, retries + 1, noJitter, 0.5);
    if (typeof expected === 'number') {
      expect(decision).toEqual({ retry: true, delayMs: expected, retryNumber: retries + 1 });
    } else {
      expect(decision).toEqual({ retry: false, finalReason: expected });
    }
  });

  it.each([
    // reason, retries so far (allowed up to 10), the table's cap reached
    ['rate_limited', 9, 10 * MIN],
    ['network_error', 9, 15 * MIN],
    ['busy', 9, 2 * HOUR],
    ['no_answer', 9, HOUR],
    ['unreachable', 9, HOUR],
    ['no_response', 9, HOUR],
  ] as const)('caps %s at its own maximum delay', (reason, retries, cap) => {
    const policy = resolveRetryPolicy({ jitter: 0, maxTotalAttempts: 30, rules: { [reason]: { maxRetries: 10 } } });
    expect(decideRetry(reason, retries, retries + 1, policy, 0.5)).toMatchObject({ retry: true, delayMs: cap });
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
    expect(policy.rules.no_answer).toEqual({ maxRetries: 3, initialDelayMs: 1000, maxDelayMs: HOUR });
    expect(policy.rules.busy).toEqual(DEFAULT_RETRY_POLICY.rules.busy);
  });

  it('can make a never-retried reason retryable, or turn retries off', () => {
    const policy = resolveRetryPolicy({ rules: { configuration_error: { maxRetries: 2, initialDelayMs: 5 }, busy: { maxRetries: 0 } } });
    expect(decideRetry('configuration_error', 0, 1, policy, 0.5)).toMatchObject({ retry: true });
    expect(policy.rules.configuration_error).toEqual({ maxRetries: 2, initialDelayMs: 5, maxDelayMs: OPENED_REASON_MAX_DELAY_MS });
    expect(decideRetry('busy', 0, 1, policy, 0.5)).toEqual({ retry: false, finalReason: 'busy' });
  });

  it.each([
    // override, reason, the cap that applies
    ['none', {}, 'busy', 2 * HOUR],
    ['one cap for all', { maxDelayMs: 15 * MIN }, 'busy', 15 * MIN],
    ['one cap for all', { maxDelayMs: 15 * MIN }, 'rate_limited', 15 * MIN],
    ['one cap for all, reaching an opened reason', { maxDelayMs: 15 * MIN, rules: { voicemail: { maxRetries: 1 } } }, 'voicemail', 15 * MIN],
    ['a reason\'s own cap', { rules: { busy: { maxDelayMs: 20 * MIN } } }, 'busy', 20 * MIN],
    ['a reason\'s own cap over the one for all', { maxDelayMs: 15 * MIN, rules: { busy: { maxDelayMs: 20 * MIN } } }, 'busy', 20 * MIN],
    ['a reason\'s own cap leaves the others', { rules: { busy: { maxDelayMs: 20 * MIN } } }, 'network_error', 15 * MIN],
  ] as const)('cap with override "%s": %s → %i ms', (_name, override, reason, cap) => {
    expect(resolveRetryPolicy(override).rules[reason]?.maxDelayMs).toBe(cap);
  });

  it('returns the default itself when there is nothing to override', () => {
    expect(resolveRetryPolicy(undefined)).toBe(DEFAULT_RETRY_POLICY);
  });
});
