import { isFinished, logicalOutcome } from '../../domain/analytics/logical-outcome';
import type { CallStatus } from '../../domain/call-status';

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
