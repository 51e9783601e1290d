import { ATTEMPT_KEY, CALL_STATUS_KEY, NEXT_ATTEMPT_AT_KEY, searchAttributeChange, type CallSearchState } from '../../domain/call-search-attributes';

const queued: CallSearchState = { status: 'waiting_for_line', attempt: 1, nextAttemptAt: null };

describe('searchAttributeChange', () => {
  it.each<[string, CallSearchState | null, CallSearchState, boolean]>([
    ['the starter already set the same status', queued, queued, false],
    ['dialing lasts one request: never written', queued, { ...queued, status: 'dialing' }, false],
    ['ringing after the dial', queued, { ...queued, status: 'ringing' }, true],
    ['the same status on the next attempt', { ...queued, status: 'waiting_for_line' }, { ...queued, attempt: 2 }, true],
    ['the same status with a new next attempt time', { ...queued, status: 'retry_scheduled', nextAttemptAt: 1 }, { ...queued, status: 'retry_scheduled', nextAttemptAt: 2 }, true],
    ['nothing known of the start (a workflow started without attributes)', null, queued, true],
  ])('%s → upsert %s', (_label, current, next, upsert) => {
    expect(searchAttributeChange(current, next) !== null).toBe(upsert);
  });

  it('writes every changing attribute, and clears the next attempt time when there is none', () => {
    const change = searchAttributeChange(queued, { status: 'retry_scheduled', attempt: 2, nextAttemptAt: 5_000 });
    expect(change).toEqual([
      { key: CALL_STATUS_KEY, value: 'retry_scheduled' },
      { key: ATTEMPT_KEY, value: 2 },
      { key: NEXT_ATTEMPT_AT_KEY, value: new Date(5_000) },
    ]);
    expect(searchAttributeChange(null, queued)).toContainEqual({ key: NEXT_ATTEMPT_AT_KEY, value: null });
  });
});
