import { periodBound } from '../../domain/day-bounds';

describe('periodBound', () => {
  it.each<[string, string, 'from' | 'to', string, string]>([
    ['a date-only from is the day\'s first instant in the zone', '2026-12-05', 'from', 'Asia/Kolkata', '2026-12-04T18:30:00.000Z'],
    ['a date-only to ends with the day (the next day\'s first instant)', '2026-12-05', 'to', 'Asia/Kolkata', '2026-12-05T18:30:00.000Z'],
    ['UTC days are UTC midnights', '2026-12-05', 'from', 'UTC', '2026-12-05T00:00:00.000Z'],
    ['a 23-hour day (spring forward)', '2026-03-08', 'to', 'America/New_York', '2026-03-09T04:00:00.000Z'],
    ['its start', '2026-03-08', 'from', 'America/New_York', '2026-03-08T05:00:00.000Z'],
    ['a 25-hour day (fall back)', '2026-11-01', 'to', 'America/New_York', '2026-11-02T05:00:00.000Z'],
    ['a leap day', '2028-02-29', 'to', 'UTC', '2028-03-01T00:00:00.000Z'],
    ['an instant stays itself, as from', '2026-12-05T10:15:00+05:30', 'from', 'UTC', '2026-12-05T04:45:00.000Z'],
    ['an instant stays itself, as to', '2026-12-05T10:15:00Z', 'to', 'Asia/Kolkata', '2026-12-05T10:15:00.000Z'],
  ])('%s', (_name, value, edge, zone, expected) => {
    expect(periodBound(value, edge, zone)?.toISOString()).toBe(expected);
  });

  it.each(['2026-02-30', '2026-13-01', 'not a date'])('%s is no date', (value) => {
    expect(periodBound(value, 'from', 'UTC')).toBeNull();
  });
});
