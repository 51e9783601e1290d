import { resolveRange } from '../../domain/analytics/report-range';

const now = new Date('2026-11-23T10:30:00.000Z');

describe('resolveRange', () => {
  it.each<[string, { from?: string; to?: string }, string, string]>([
    ['nothing given: the seven days up to now', {}, '2026-11-16T10:30:00.000Z', '2026-11-23T10:30:00.000Z'],
    ['only from: up to now', { from: '2026-11-20T00:00:00Z' }, '2026-11-20T00:00:00.000Z', '2026-11-23T10:30:00.000Z'],
    ['only to: seven days before it', { to: '2026-11-10T00:00:00Z' }, '2026-11-03T00:00:00.000Z', '2026-11-10T00:00:00.000Z'],
    ['both, with offsets', { from: '2026-11-01T05:30:00+05:30', to: '2026-11-02T00:00:00-01:00' }, '2026-11-01T00:00:00.000Z', '2026-11-02T01:00:00.000Z'],
    ['dates are whole days in the zone, to its next midnight', { from: '2026-11-01', to: '2026-11-01' }, '2026-10-31T18:30:00.000Z', '2026-11-01T18:30:00.000Z'],
    ['only a date as to: seven days before its next midnight', { to: '2026-11-09' }, '2026-11-02T18:30:00.000Z', '2026-11-09T18:30:00.000Z'],
    ['a period in the future is kept as given', { from: '2027-01-01T00:00:00Z', to: '2027-01-02T00:00:00Z' }, '2027-01-01T00:00:00.000Z', '2027-01-02T00:00:00.000Z'],
  ])('%s', (_name, query, from, to) => {
    const range = resolveRange(query, now, 'Asia/Kolkata');
    expect(range.from.toISOString()).toBe(from);
    expect(range.to.toISOString()).toBe(to);
  });
});
