import { reportBoundary, type BoundaryEdge } from '../../domain/report-boundary';

describe('reportBoundary', () => {
  it.each<[string, string, BoundaryEdge, string, string | null]>([
    ['a date as from: its midnight in the zone', '2026-11-01', 'from', 'Asia/Kolkata', '2026-10-31T18:30:00.000Z'],
    ['a date as to: the next midnight, so the whole day is in', '2026-11-30', 'to', 'Asia/Kolkata', '2026-11-30T18:30:00.000Z'],
    ['a date in UTC', '2026-11-01', 'from', 'UTC', '2026-11-01T00:00:00.000Z'],
    ['the last day of a month as to rolls into the next month', '2026-12-31', 'to', 'UTC', '2027-01-01T00:00:00.000Z'],
    ['a day that springs forward is 23 hours long', '2026-03-08', 'to', 'America/New_York', '2026-03-09T04:00:00.000Z'],
    ['its start is before the change', '2026-03-08', 'from', 'America/New_York', '2026-03-08T05:00:00.000Z'],
    ['a date-time keeps its own offset, whatever the zone', '2026-11-01T05:30:00+05:30', 'to', 'UTC', '2026-11-01T00:00:00.000Z'],
    ['a date-time in UTC', '2026-11-01T10:00:00Z', 'from', 'Asia/Kolkata', '2026-11-01T10:00:00.000Z'],
    ['a day that falls back is 25 hours long', '2026-11-01', 'to', 'America/New_York', '2026-11-02T05:00:00.000Z'],
    ['a leap day', '2028-02-29', 'to', 'UTC', '2028-03-01T00:00:00.000Z'],
    ['a date that does not exist', '2026-02-30', 'from', 'UTC', null],
    ['a month that does not exist', '2026-13-01', 'from', 'UTC', null],
    ['a date-time without an offset is ambiguous', '2026-11-01T10:00:00', 'from', 'UTC', null],
    ['not a date', 'yesterday', 'to', 'UTC', null],
  ])('%s', (_case, text, edge, zone, expected) => {
    expect(reportBoundary(text, edge, zone)?.toISOString() ?? null).toBe(expected);
  });
});
