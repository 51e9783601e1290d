import { isFinished, logicalFailureReason, logicalOutcome, storedStatesOf } from '../../domain/analytics/logical-outcome';
import { CALL_STATUSES, isTerminalStatus, type CallStatus } from '../../domain/call-status';

describe('logicalOutcome', () => {
  it.each<[string, CallStatus, CallStatus | null, CallStatus, boolean]>([
    ['the final status wins', 'failed', 'completed', 'completed', true],
    ['exhausted retries', 'failed', 'failed', 'failed', true],
    ['first attempt failed, no final status yet: waiting for its retry', 'failed', null, 'retry_scheduled', false],
    ['completed before the final status was written', 'completed', null, 'completed', true],
    ['voicemail', 'voicemail', 'voicemail', 'voicemail', true],
    ['cancelled while scheduled', 'scheduled', 'cancelled', 'cancelled', true],
    ['still ringing', 'ringing', null, 'ringing', false],
    ['waiting for a scheduled time', 'scheduled', null, 'scheduled', false],
  ])('%s', (_name, status, finalStatus, outcome, finished) => {
    expect(logicalOutcome(status, finalStatus)).toBe(outcome);
    expect(isFinished(logicalOutcome(status, finalStatus))).toBe(finished);
  });
});

describe('storedStatesOf', () => {
  const finals: (CallStatus | null)[] = [null, ...CALL_STATUSES.filter((status) => isTerminalStatus(status))];
  it.each([...CALL_STATUSES])('selects exactly the stored states logicalOutcome reads as %s', (outcome) => {
    const states = storedStatesOf(outcome);
    for (const status of CALL_STATUSES) {
      for (const finalStatus of finals) {
        const selected = finalStatus === null ? states.unfinished.includes(status) : states.final && finalStatus === outcome;
        expect([status, finalStatus, selected]).toEqual([status, finalStatus, logicalOutcome(status, finalStatus) === outcome]);
      }
    }
  });
});

describe('logicalFailureReason', () => {
  it.each<[string, string | null, CallStatus | null, string | null, string | null]>([
    ['an ended call gives its final reason', 'busy', 'failed', 'busy_max_retries', 'busy_max_retries'],
    ['a completed call has none, whatever its first attempt', 'no_answer', 'completed', null, null],
    ['a call waiting for its retry gives its first attempt\'s', 'no_answer', null, null, 'no_answer'],
    ['a call under way has none', null, null, null, null],
  ])('%s', (_name, failureReason, finalStatus, finalFailureReason, expected) => {
    expect(logicalFailureReason({ failureReason, finalStatus, finalFailureReason })).toBe(expected);
  });
});
