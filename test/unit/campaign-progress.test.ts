import { campaignIsSettled, campaignProgressFigures, countFinishedCall, emptyCampaignCounts } from '../../domain/campaign-progress';
import type { CampaignCounts } from '../../domain/campaign-types';

describe('campaign progress', () => {
  it('counts each finished call under its terminal status', () => {
    let counts = emptyCampaignCounts();
    for (const status of ['completed', 'completed', 'failed', 'voicemail', 'cancelled'] as const) counts = countFinishedCall(counts, { status });
    expect(counts).toEqual({ dispatched: 0, finished: 5, outcomes: { completed: 2, failed: 1, voicemail: 1, cancelled: 1 }, cancelledBeforeDispatch: 0 });
  });

  const counts = (fields: Partial<CampaignCounts>): CampaignCounts => ({ ...emptyCampaignCounts(), ...fields });

  it.each([
    ['nothing started', 10, counts({}), 0, 0, { processed: 0, pending: 10, inProgress: 0, percentComplete: 0 }],
    ['half dispatched, two open', 10, counts({ dispatched: 5, finished: 3, outcomes: { completed: 2, failed: 1 } }), 2, 0, { processed: 3, successful: 2, failed: 1, pending: 5, inProgress: 2, percentComplete: 30 }],
    ['a waiting scheduled call is in progress', 4, counts({ dispatched: 4, finished: 3, outcomes: { completed: 3 } }), 0, 1, { processed: 3, inProgress: 1, pending: 0, percentComplete: 75 }],
    ['cancelled: withdrawn contacts are processed and cancelled', 10, counts({ dispatched: 4, finished: 4, outcomes: { completed: 3, cancelled: 1 }, cancelledBeforeDispatch: 6 }), 0, 0, { processed: 10, cancelled: 7, pending: 0, percentComplete: 100 }],
    ['an empty campaign is complete', 0, counts({}), 0, 0, { processed: 0, pending: 0, percentComplete: 100 }],
    ['a third rounds down to one decimal', 3, counts({ dispatched: 1, finished: 1, outcomes: { voicemail: 1 } }), 0, 0, { voicemail: 1, successful: 0, failed: 0, percentComplete: 33.3 }],
  ])('%s', (_name, total, given, inFlight, waiting, expected) => {
    expect(campaignProgressFigures(total, given, inFlight, waiting)).toMatchObject(expected);
  });

  it.each([
    [10, 10, 0, true],
    [10, 10, 1, false],
    [10, 9, 0, false],
    [0, 0, 0, true],
  ])('total %i, next %i, open %i → settled %s', (total, nextSeq, open, settled) => {
    expect(campaignIsSettled(total, nextSeq, open)).toBe(settled);
  });
});
