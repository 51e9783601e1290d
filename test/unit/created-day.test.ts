import { createdDayOf, dayBefore, daysNewestFirst, startOfCreatedDay } from '../../domain/created-day';

describe.each([
  // instant, its UTC day, the day before
  ['2026-12-06T00:00:00.000Z', '2026-12-06', '2026-12-05'],
  ['2026-12-05T23:59:59.999Z', '2026-12-05', '2026-12-04'],
  ['2026-03-01T10:00:00.000Z', '2026-03-01', '2026-02-28'],
  ['2028-03-01T10:00:00.000Z', '2028-03-01', '2028-02-29'],
  ['2027-01-01T05:30:00.000Z', '2027-01-01', '2026-12-31'],
  // Asia/Kolkata's morning of 2026-12-06 is still the 5th in UTC: days are UTC, whatever the account's zone.
  ['2026-12-06T03:00:00.000+05:30', '2026-12-05', '2026-12-04'],
])('%s', (instant, day, before) => {
  it(`falls on ${day}, which starts at its midnight UTC and follows ${before}`, () => {
    expect(createdDayOf(new Date(instant))).toBe(day);
    expect(startOfCreatedDay(day).toISOString()).toBe(`${day}T00:00:00.000Z`);
    expect(dayBefore(day)).toBe(before);
    expect(new Date(instant).getTime()).toBeGreaterThanOrEqual(startOfCreatedDay(day).getTime());
  });
});

describe.each<[string, string | null, number, string[]]>([
  ['2026-12-06', null, 3, ['2026-12-06', '2026-12-05', '2026-12-04']],
  ['2026-12-06', '2026-12-05', 31, ['2026-12-06', '2026-12-05']],
  ['2026-12-06', '2026-12-06', 31, ['2026-12-06']],
  ['2026-12-06', '2026-12-07', 31, []],
  ['2026-03-01', '2026-02-27', 5, ['2026-03-01', '2026-02-28', '2026-02-27']],
  ['2026-12-06', null, 0, []],
])('days from %s down to %s, at most %i', (newest, oldest, count, expected) => {
  it(`are ${expected.join(', ') || 'none'}`, () => {
    expect(daysNewestFirst(newest, oldest, count)).toEqual(expected);
  });
});
