import { DateTime } from 'luxon';
import {
  describeRuleProblem,
  firstOccurrenceIndexAtOrAfter,
  occurrenceAt,
  upcomingOccurrences,
  type RecurrenceRule,
} from '../../domain/recurrence';

const NY = 'America/New_York';
const LONDON = 'Europe/London';
const IST = 'Asia/Kolkata';

const utc = (text: string) => DateTime.fromISO(text, { zone: 'utc' }).toMillis();
const iso = (ms: number | null) => (ms === null ? null : DateTime.fromMillis(ms, { zone: 'utc' }).toISO({ suppressMilliseconds: true }));
const wall = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm');
const datesOf = (rule: RecurrenceRule, count: number) => upcomingOccurrences(rule, 0, count).map(({ at }) => wall(at, rule.timezone).slice(0, 10));

const daily = (overrides: Partial<RecurrenceRule> = {}): RecurrenceRule => ({
  frequency: 'daily',
  interval: 1,
  startDate: '2026-03-01',
  timeOfDay: '09:00',
  timezone: NY,
  ...overrides,
});

describe('daily series keep their local time all year', () => {
  it.each([
    // zone, year, dates on which the UTC offset changes, UTC hours seen (winter, summer)
    [NY, 2026, ['2026-03-08', '2026-11-01'], [14, 13]],
    [NY, 2027, ['2027-03-14', '2027-11-07'], [14, 13]],
    [LONDON, 2026, ['2026-03-29', '2026-10-25'], [9, 8]],
    [LONDON, 2027, ['2027-03-28', '2027-10-31'], [9, 8]],
    [IST, 2026, [], [3]],
    [IST, 2027, [], [3]],
  ])('%s %i', (zone, year, changes, utcHours) => {
    const rule = daily({ startDate: `${year}-01-01`, timezone: zone });
    const days = DateTime.utc(year).daysInYear;
    const occurrences = upcomingOccurrences(rule, 0, days);
    expect(occurrences).toHaveLength(days);
    const offsetChanges: string[] = [];
    const hoursSeen = new Set<number>();
    let expectedDate = DateTime.utc(year, 1, 1);
    occurrences.forEach(({ index, at }, position) => {
      expect(index).toBe(position);
      expect(occurrenceAt(rule, index)).toBe(at);
      const local = DateTime.fromMillis(at, { zone });
      expect([local.toISODate(), local.hour, local.minute, local.second]).toEqual([expectedDate.toISODate(), 9, 0, 0]);
      if (position > 0 && local.offset !== DateTime.fromMillis(occurrences[position - 1].at, { zone }).offset) {
        offsetChanges.push(local.toISODate() as string);
      }
      hoursSeen.add(DateTime.fromMillis(at, { zone: 'utc' }).hour);
      expectedDate = expectedDate.plus({ days: 1 });
    });
    expect(offsetChanges).toEqual(changes);
    expect([...hoursSeen]).toEqual(utcHours);
    if (zone === IST) expect(occurrences.every(({ at }) => iso(at)?.endsWith('T03:30:00Z'))).toBe(true);
  });

  it.each([
    [1, ['2026-01-30', '2026-01-31', '2026-02-01']],
    [3, ['2026-01-30', '2026-02-02', '2026-02-05']],
    [31, ['2026-01-30', '2026-03-02', '2026-04-02']],
  ])('every %i days', (interval, dates) => {
    expect(datesOf(daily({ interval, startDate: '2026-01-30' }), 3)).toEqual(dates);
  });
});

describe('monthly series follow the month-end rule', () => {
  const monthly = (overrides: Partial<RecurrenceRule>): RecurrenceRule => ({
    frequency: 'monthly',
    interval: 1,
    startDate: '2027-01-31',
    timeOfDay: '10:00',
    timezone: IST,
    ...overrides,
  });

  it('on the 31st through 2027 and the leap year 2028', () => {
    const rule = monthly({});
    const occurrences = upcomingOccurrences(rule, 0, 24);
    expect(occurrences.map(({ at }) => wall(at, IST))).toEqual(
      [
        '2027-01-31', '2027-02-28', '2027-03-31', '2027-04-30', '2027-05-31', '2027-06-30',
        '2027-07-31', '2027-08-31', '2027-09-30', '2027-10-31', '2027-11-30', '2027-12-31',
        '2028-01-31', '2028-02-29', '2028-03-31', '2028-04-30', '2028-05-31', '2028-06-30',
        '2028-07-31', '2028-08-31', '2028-09-30', '2028-10-31', '2028-11-30', '2028-12-31',
      ].map((date) => `${date} 10:00`),
    );
    expect(occurrences.every(({ at }) => iso(at)?.endsWith('T04:30:00Z'))).toBe(true);
  });

  it.each([
    ['the 30th', monthly({ startDate: '2027-01-30' }), 5, ['2027-01-30', '2027-02-28', '2027-03-30', '2027-04-30', '2027-05-30']],
    ['the 30th in a leap year', monthly({ startDate: '2028-01-30' }), 3, ['2028-01-30', '2028-02-29', '2028-03-30']],
    ['the 29th', monthly({ startDate: '2027-01-29' }), 3, ['2027-01-29', '2027-02-28', '2027-03-29']],
    ['the 29th in a leap year', monthly({ startDate: '2028-01-29' }), 3, ['2028-01-29', '2028-02-29', '2028-03-29']],
    ['the 31st from a 30-day month', monthly({ startDate: '2027-04-30', dayOfMonth: 31 }), 3, ['2027-04-30', '2027-05-31', '2027-06-30']],
    ['the 31st starting mid-February: February counts', monthly({ startDate: '2027-02-10', dayOfMonth: 31 }), 3, ['2027-02-28', '2027-03-31', '2027-04-30']],
    ['the 5th starting after it: next month is month 0', monthly({ startDate: '2027-02-10', dayOfMonth: 5 }), 3, ['2027-03-05', '2027-04-05', '2027-05-05']],
    ['every 3 months on the 31st', monthly({ interval: 3 }), 5, ['2027-01-31', '2027-04-30', '2027-07-31', '2027-10-31', '2028-01-31']],
    ['yearly on Feb 29', monthly({ interval: 12, startDate: '2028-02-29' }), 5, ['2028-02-29', '2029-02-28', '2030-02-28', '2031-02-28', '2032-02-29']],
  ])('%s', (_label, rule, count, dates) => {
    expect(datesOf(rule, count)).toEqual(dates);
  });

  it.each([
    [1000, '2110-05-31 10:00'],
    [1001, '2110-06-30 10:00'],
    [1013, '2111-06-30 10:00'],
  ])('occurrence %i is computed directly: %s', (index, expected) => {
    expect(wall(occurrenceAt(monthly({}), index) as number, IST)).toBe(expected);
  });
});

describe('weekly series', () => {
  const weekly = (overrides: Partial<RecurrenceRule>): RecurrenceRule => ({
    frequency: 'weekly',
    interval: 2,
    startDate: '2026-03-04', // a Wednesday
    timeOfDay: '18:45',
    timezone: LONDON,
    daysOfWeek: [1, 3, 5],
    ...overrides,
  });

  it.each([
    ['Mon/Wed/Fri every 2 weeks from a Wednesday', weekly({}), ['2026-03-04', '2026-03-06', '2026-03-16', '2026-03-18', '2026-03-20', '2026-03-30', '2026-04-01', '2026-04-03']],
    ['… from a Thursday: only Friday is left in week 0', weekly({ startDate: '2026-03-05' }), ['2026-03-06', '2026-03-16', '2026-03-18', '2026-03-20', '2026-03-30']],
    ['… from a Saturday: week 0 is empty, week 2 comes next', weekly({ startDate: '2026-03-07' }), ['2026-03-16', '2026-03-18', '2026-03-20', '2026-03-30']],
    ['… from a Monday', weekly({ startDate: '2026-03-02' }), ['2026-03-02', '2026-03-04', '2026-03-06', '2026-03-16']],
    ['Sundays end the Monday-based week', weekly({ startDate: '2026-03-02', daysOfWeek: [0] }), ['2026-03-08', '2026-03-22', '2026-04-05']],
    ['days default to the start weekday', weekly({ interval: 1, daysOfWeek: undefined }), ['2026-03-04', '2026-03-11', '2026-03-18']],
    ['unsorted, repeated days', weekly({ interval: 1, startDate: '2026-03-02', daysOfWeek: [5, 1, 1] }), ['2026-03-02', '2026-03-06', '2026-03-09', '2026-03-13']],
    ['every 3 weeks on Sunday and Saturday', weekly({ interval: 3, daysOfWeek: [0, 6] }), ['2026-03-07', '2026-03-08', '2026-03-28', '2026-03-29']],
  ])('%s', (_label, rule, dates) => {
    expect(datesOf(rule, dates.length)).toEqual(dates);
  });

  it('keeps 18:45 London across the clock change (18:45Z, then 17:45Z)', () => {
    const at = upcomingOccurrences(weekly({ interval: 1, daysOfWeek: [5] }), 0, 5).map(({ at }) => iso(at));
    expect(at).toEqual(['2026-03-06T18:45:00Z', '2026-03-13T18:45:00Z', '2026-03-20T18:45:00Z', '2026-03-27T18:45:00Z', '2026-04-03T17:45:00Z']);
  });

  it('finds week 400 directly', () => {
    // Week 0 holds Wednesday and Friday, then 3 per active week: index 2 + 3 × 199 is the Monday of week 2 × 200.
    const monday = DateTime.fromISO('2026-03-02', { zone: LONDON }).plus({ weeks: 400 }).toISODate();
    expect(wall(occurrenceAt(weekly({}), 2 + 3 * 199) as number, LONDON)).toBe(`${monday} 18:45`);
  });
});

describe('DST edges', () => {
  it.each([
    // 02:30 does not exist on 2026-03-08 in New York: that day's occurrence moves forward by the gap, to 03:30 EDT.
    ['spring-forward 02:30 NY', daily({ startDate: '2026-03-07', timeOfDay: '02:30' }), ['2026-03-07T07:30:00Z', '2026-03-08T07:30:00Z', '2026-03-09T06:30:00Z']],
    ['spring-forward 01:30 London', daily({ startDate: '2026-03-28', timeOfDay: '01:30', timezone: LONDON }), ['2026-03-28T01:30:00Z', '2026-03-29T01:30:00Z', '2026-03-30T00:30:00Z']],
    // 01:30 happens twice on 2026-11-01 in New York: the occurrence is the first one, 01:30 EDT.
    ['fall-back 01:30 NY', daily({ startDate: '2026-10-31', timeOfDay: '01:30' }), ['2026-10-31T05:30:00Z', '2026-11-01T05:30:00Z', '2026-11-02T06:30:00Z']],
    ['fall-back 01:30 London', daily({ startDate: '2026-10-24', timeOfDay: '01:30', timezone: LONDON }), ['2026-10-24T00:30:00Z', '2026-10-25T00:30:00Z', '2026-10-26T01:30:00Z']],
    ['Kolkata never shifts', daily({ startDate: '2026-03-07', timeOfDay: '09:00', timezone: IST }), ['2026-03-07T03:30:00Z', '2026-03-08T03:30:00Z', '2026-03-09T03:30:00Z']],
  ])('%s', (_label, rule, expected) => {
    expect(upcomingOccurrences(rule, 0, 3).map(({ at }) => iso(at))).toEqual(expected);
  });
});

describe('endDate and maxOccurrences', () => {
  it.each([
    // label, rule, how many occurrences exist
    ['endDate is inclusive, even late in the day', daily({ timeOfDay: '23:30', endDate: '2026-03-05' }), 5],
    ['endDate equal to startDate', daily({ endDate: '2026-03-01' }), 1],
    ['endDate before the first occurrence', { ...daily({ frequency: 'monthly', startDate: '2027-02-10', dayOfMonth: 5 }), endDate: '2027-02-28' }, 0],
    ['monthly 31st up to Apr 30 (the April occurrence counts)', daily({ frequency: 'monthly', startDate: '2027-01-31', endDate: '2027-04-30' }), 4],
    ['weekly endDate on an occurrence day', daily({ frequency: 'weekly', interval: 2, startDate: '2026-03-04', daysOfWeek: [1, 3, 5], endDate: '2026-03-16' }), 3],
    ['maxOccurrences', daily({ maxOccurrences: 3 }), 3],
    ['the tighter of endDate and maxOccurrences: end', daily({ maxOccurrences: 10, endDate: '2026-03-02' }), 2],
    ['the tighter of endDate and maxOccurrences: max', daily({ maxOccurrences: 2, endDate: '2026-03-31' }), 2],
    ['null means no limit', daily({ maxOccurrences: null, endDate: null }), 100],
  ] as [string, RecurrenceRule, number][])('%s', (_label, rule, count) => {
    const occurrences = upcomingOccurrences(rule, 0, 100);
    expect(occurrences.map(({ index }) => index)).toEqual([...Array(count).keys()]);
    expect(occurrenceAt(rule, count)).toEqual(count === 100 ? expect.any(Number) : null);
    if (count > 0) expect(occurrenceAt(rule, count - 1)).toBe(occurrences[count - 1].at);
    expect(firstOccurrenceIndexAtOrAfter(rule, utc('2000-01-01T00:00:00'))).toBe(count > 0 ? 0 : null);
  });

  it.each([
    [0, 10, [0, 1, 2]],
    [1, 10, [1, 2]],
    [1, 1, [1]],
    [2, 0, []],
    [3, 5, []],
    [50, 5, []],
  ])('upcomingOccurrences from %i, count %i, with maxOccurrences 3', (fromIndex, count, indices) => {
    expect(upcomingOccurrences(daily({ maxOccurrences: 3 }), fromIndex, count).map(({ index }) => index)).toEqual(indices);
  });
});

describe('firstOccurrenceIndexAtOrAfter', () => {
  const rules: [string, RecurrenceRule][] = [
    ['daily NY, unbounded', daily({ startDate: '2026-01-01' })],
    ['daily NY 02:30 every 3 days', daily({ startDate: '2026-02-20', timeOfDay: '02:30', interval: 3, endDate: '2026-12-31' })],
    ['weekly London Mon/Wed/Fri every 2 weeks', { frequency: 'weekly', interval: 2, startDate: '2026-03-04', timeOfDay: '18:45', timezone: LONDON, daysOfWeek: [1, 3, 5], endDate: '2027-06-30' }],
    ['monthly Kolkata on the 31st, 30 times', { frequency: 'monthly', interval: 1, startDate: '2027-01-31', timeOfDay: '10:00:30', timezone: IST, maxOccurrences: 30 }],
  ];

  it.each(rules)('%s: occurrenceAt(i - 1) < at <= occurrenceAt(i) for many instants', (_label, rule) => {
    const all = upcomingOccurrences(rule, 0, 2000);
    const bounded = all.length < 2000;
    // A fixed linear congruential sequence: many instants, the same ones every run.
    let seed = 12_345;
    const from = utc('2025-12-01T00:00:00');
    const span = utc('2030-01-01T00:00:00') - from;
    for (let sample = 0; sample < 400; sample++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      const at = from + Math.floor((seed / 2 ** 31) * span);
      const index = firstOccurrenceIndexAtOrAfter(rule, at);
      if (index === null) {
        expect(bounded).toBe(true);
        expect(all[all.length - 1].at).toBeLessThan(at);
        continue;
      }
      expect(occurrenceAt(rule, index)).toBeGreaterThanOrEqual(at);
      if (index > 0) expect(occurrenceAt(rule, index - 1)).toBeLessThan(at);
    }
  });

  it.each(rules)('%s: each occurrence instant maps to its own index, one ms later to the next', (_label, rule) => {
    const all = upcomingOccurrences(rule, 0, 60);
    all.forEach(({ index, at }) => {
      expect(firstOccurrenceIndexAtOrAfter(rule, at)).toBe(index);
      const next = firstOccurrenceIndexAtOrAfter(rule, at + 1);
      expect(next).toBe(occurrenceAt(rule, index + 1) === null ? null : index + 1);
    });
  });

  it('jumps straight into a long series', () => {
    const rule = daily({ startDate: '2026-01-01' });
    const days = (date: string) => DateTime.fromISO(date, { zone: 'utc' }).diff(DateTime.utc(2026, 1, 1), 'days').days;
    expect(firstOccurrenceIndexAtOrAfter(rule, utc('2100-01-01T00:00:00'))).toBe(days('2100-01-01'));
    expect(firstOccurrenceIndexAtOrAfter(rule, utc('2100-01-01T15:00:00'))).toBe(days('2100-01-02'));
    expect(firstOccurrenceIndexAtOrAfter(rule, utc('9999-01-01T00:00:00'))).toBe(days('9999-01-01'));
    // Past the last date luxon can represent there is no occurrence left, rather than an exception.
    expect(firstOccurrenceIndexAtOrAfter(rule, 8.64e15)).toBeNull();
  });
});

describe('describeRuleProblem', () => {
  it.each([
    ['a daily rule', daily()],
    ['seconds in timeOfDay', daily({ timeOfDay: '09:00:30' })],
    ['null limits', daily({ endDate: null, maxOccurrences: null })],
    ['endDate on startDate', daily({ endDate: '2026-03-01' })],
    ['a weekly rule', daily({ frequency: 'weekly', daysOfWeek: [0, 6] })],
    ['a monthly rule on the 31st', daily({ frequency: 'monthly', dayOfMonth: 31 })],
  ])('accepts %s', (_label, rule) => {
    expect(describeRuleProblem(rule)).toBeNull();
  });

  it.each([
    [{ timezone: 'Nowhere/Land' }, 'INVALID_TIMEZONE', 'timezone'],
    [{ timeOfDay: '9am' }, 'INVALID_TIME_OF_DAY', 'timeOfDay'],
    [{ timeOfDay: '24:00' }, 'INVALID_TIME_OF_DAY', 'timeOfDay'],
    [{ startDate: '2026-02-30' }, 'INVALID_DATE', 'startDate'],
    [{ startDate: '2026-3-1' }, 'INVALID_DATE', 'startDate'],
    [{ endDate: '2026-13-01' }, 'INVALID_DATE', 'endDate'],
    [{ interval: 0 }, 'INVALID_INTERVAL', 'interval'],
    [{ interval: 1.5 }, 'INVALID_INTERVAL', 'interval'],
    [{ interval: -2 }, 'INVALID_INTERVAL', 'interval'],
    [{ frequency: 'weekly', daysOfWeek: [] }, 'EMPTY_DAYS_OF_WEEK', 'daysOfWeek'],
    [{ frequency: 'weekly', daysOfWeek: [1, 7] }, 'INVALID_DAY_OF_WEEK', 'daysOfWeek'],
    [{ frequency: 'monthly', dayOfMonth: 0 }, 'INVALID_DAY_OF_MONTH', 'dayOfMonth'],
    [{ frequency: 'monthly', dayOfMonth: 32 }, 'INVALID_DAY_OF_MONTH', 'dayOfMonth'],
    [{ frequency: 'monthly', dayOfMonth: 2.5 }, 'INVALID_DAY_OF_MONTH', 'dayOfMonth'],
    [{ endDate: '2026-02-28' }, 'END_BEFORE_START', 'endDate'],
    [{ maxOccurrences: 0 }, 'INVALID_MAX_OCCURRENCES', 'maxOccurrences'],
    [{ maxOccurrences: 1.5 }, 'INVALID_MAX_OCCURRENCES', 'maxOccurrences'],
  ] as [Partial<RecurrenceRule>, string, string][])('%j → %s on %s', (overrides, code, field) => {
    const rule = daily(overrides);
    const problem = describeRuleProblem(rule);
    expect(problem).toMatchObject({ code, field });
    expect(problem?.message).toEqual(expect.any(String));
    expect(() => occurrenceAt(rule, 0)).toThrow(RangeError);
  });

  it.each([
    ['a negative index', () => occurrenceAt(daily(), -1)],
    ['a fractional index', () => upcomingOccurrences(daily(), 0.5, 1)],
    ['an unknown frequency', () => occurrenceAt(daily({ frequency: 'yearly' as never }), 0)],
    ['a non-numeric instant', () => firstOccurrenceIndexAtOrAfter(daily(), Number.NaN)],
  ])('throws on %s', (_label, call) => {
    expect(call).toThrow(RangeError);
  });
});

describe('compressed series (tests and demos)', () => {
  const base = { frequency: 'daily' as const, interval: 1, startDate: '2026-11-23', timeOfDay: '23:59:50', timezone: 'Asia/Kolkata' };
  const first = DateTime.fromISO('2026-11-23T23:59:50', { zone: 'Asia/Kolkata' }).toMillis();

  it.each([
    [0, first],
    [1, first + 4_000],
    [2, first + 8_000],
    [3, first + 12_000],
  ])('occurrence %i comes that many periods after the first', (index, expected) => {
    expect(occurrenceAt({ ...base, compressedPeriodMs: 4_000 }, index)).toBe(expected);
  });

  it.each([
    ['stops at maxOccurrences', { maxOccurrences: 2 }, [first, first + 4_000, null]],
    ['stops at the end of endDate in the series zone', { endDate: '2026-11-23' }, [first, first + 4_000, first + 8_000, null]],
  ] as const)('%s', (_label, extra, expected) => {
    const rule = { ...base, compressedPeriodMs: 4_000, ...extra };
    expect(expected.map((_value, index) => occurrenceAt(rule, index))).toEqual(expected);
  });

  it('refuses a period below one millisecond', () => {
    expect(describeRuleProblem({ ...base, compressedPeriodMs: 0 })?.field).toBe('compressedPeriodMs');
  });
});
