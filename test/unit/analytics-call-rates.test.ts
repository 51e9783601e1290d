import { callRates, type CallTally } from '../../domain/analytics/call-rates';

const day = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-02T00:00:00Z') };
const none: CallTally = { calls: 0, retries: 0, finished: 0, succeeded: 0, durationTotalSec: 0, durationSamples: 0 };

describe('callRates', () => {
  it.each<[string, Partial<CallTally>, { from: Date; to: Date }, Partial<ReturnType<typeof callRates>>]>([
    ['nothing in the period: zeros, and no average', {}, day, { successRate: 0, retryRate: 0, totalDurationSec: 0, averageDurationSec: null, callsPerHour: 0, callsPerDay: 0 }],
    ['success over finished calls only', { calls: 4, finished: 3, succeeded: 2 }, day, { successRate: 0.667 }],
    ['retries per logical call', { calls: 4, retries: 6 }, day, { retryRate: 1.5 }],
    ['durations: total and mean of the attempts that have one', { durationTotalSec: 100.5, durationSamples: 4 }, day, { totalDurationSec: 100.5, averageDurationSec: 25.13 }],
    ['48 calls in a day: 2 an hour', { calls: 48 }, day, { callsPerHour: 2, callsPerDay: 48 }],
    ['3 calls in 90 minutes', { calls: 3 }, { from: day.from, to: new Date('2026-11-01T01:30:00Z') }, { callsPerHour: 2, callsPerDay: 48 }],
    ['an empty period counts no rate', { calls: 3 }, { from: day.from, to: day.from }, { callsPerHour: 0, callsPerDay: 0 }],
  ])('%s', (_case, tally, period, expected) => {
    expect(callRates({ ...none, ...tally }, period)).toMatchObject(expected);
  });
});
