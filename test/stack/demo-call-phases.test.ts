import { phasesReached } from '../../scripts/demo-call';

describe('phasesReached: what the demo prints when a poll finds a new status', () => {
  test.each([
    ['first poll, waiting', '', 'waiting_for_line', false, ['waiting_for_line']],
    ['one step', 'waiting_for_line', 'dialing', false, ['dialing']],
    ['dialing missed between polls', 'waiting_for_line', 'ringing', false, ['dialing', 'ringing']],
    ['straight to answered', 'waiting_for_line', 'in_progress', false, ['dialing', 'ringing', 'in_progress']],
    ['completed from ringing: it was answered', 'ringing', 'completed', true, ['in_progress']],
    ['completed after answered', 'in_progress', 'completed', true, []],
    ['failed while ringing', 'ringing', 'failed', false, []],
    ['retry scheduled', 'ringing', 'retry_scheduled', false, ['retry_scheduled']],
    ['dialing again after a retry', 'retry_scheduled', 'dialing', false, ['dialing']],
  ])('%s', (_name, previous, status, answered, expected) => {
    expect(phasesReached(previous, status, answered)).toEqual(expected);
  });
});
