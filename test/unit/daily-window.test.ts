import { DateTime } from 'luxon';
import {
  describeWindowProblem,
  isInsideWindow,
  isValidTimeZone,
  nextCallableTime,
  nextWindowOpening,
  type CallingWindows,
  type DailyWindow,
} from '../../domain/daily-window';
import { parseTimeOfDay, timeOfDaySeconds } from '../../domain/time-of-day';

const IST = 'Asia/Kolkata';
const NY = 'America/New_York';
const LONDON = 'Europe/London';

/** A local wall time in a zone, as epoch ms (never ambiguous in these tests unless the test says so). */
const local = (text: string, zone: string) => DateTime.fromISO(text, { zone }).toMillis();
const utc = (text: string) => DateTime.fromISO(text, { zone: 'utc' }).toMillis();
const iso = (ms: number) => DateTime.fromMillis(ms, { zone: 'utc' }).toISO({ suppressMilliseconds: true });

const legalIst: DailyWindow = { start: '09:00', end: '21:00', timezone: IST };
const weekdaysNy: DailyWindow = { start: '09:00', end: '17:00', timezone: NY, daysOfWeek: [1, 2, 3, 4, 5] };

describe('parseTimeOfDay / timeOfDaySeconds', () => {
  it.each([
    ['00:00', 0],
    ['09:30', 34_200],
    ['23:59:59', 86_399],
    ['10:00:30', 36_030],
    ['24:00', 86_400],
    ['24:00:00', 86_400],
  ])('%s is %i seconds after midnight', (text, seconds) => {
    expect(parseTimeOfDay(text)).not.toBeNull();
    expect(timeOfDaySeconds(text)).toBe(seconds);
  });

  it.each(['9:00', '09:0', '24:01', '24:00:01', '25:00', '12:60', '12:00:60', '12:00:5', ' 12:00', '12:00 ', '', 'noon', '-1:00'])(
    '%p is rejected',
    (text) => {
      expect(parseTimeOfDay(text)).toBeNull();
      expect(() => timeOfDaySeconds(text)).toThrow(RangeError);
    },
  );
});

describe('isValidTimeZone', () => {
  it.each([
    ['Asia/Kolkata', true],
    ['America/New_York', true],
    ['Europe/London', true],
    ['UTC', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
    ['+05:30', false],
  ])('%p → %p', (zone, valid) => {
    expect(isValidTimeZone(zone)).toBe(valid);
  });
});

describe('describeWindowProblem', () => {
  it.each([
    ['a plain window', legalIst],
    ['seconds and a 24:00 end', { start: '10:00:00', end: '24:00', timezone: IST }],
    ['a weekday filter', weekdaysNy],
    ['the whole day', { start: '00:00', end: '24:00', timezone: 'UTC', daysOfWeek: [0, 6] }],
  ] as [string, DailyWindow][])('accepts %s', (_label, window) => {
    expect(describeWindowProblem(window)).toBeNull();
  });

  it.each([
    [{ ...legalIst, timezone: 'Mars/Olympus_Mons' }, 'INVALID_TIMEZONE', 'timezone'],
    [{ ...legalIst, timezone: '' }, 'INVALID_TIMEZONE', 'timezone'],
    [{ ...legalIst, start: '9:00' }, 'INVALID_TIME_OF_DAY', 'start'],
    [{ ...legalIst, start: '12:60' }, 'INVALID_TIME_OF_DAY', 'start'],
    [{ ...legalIst, end: '24:30' }, 'INVALID_TIME_OF_DAY', 'end'],
    [{ ...legalIst, end: '21' }, 'INVALID_TIME_OF_DAY', 'end'],
    [{ ...legalIst, start: '21:00', end: '09:00' }, 'WINDOW_START_NOT_BEFORE_END', 'end'],
    [{ ...legalIst, start: '09:00', end: '09:00' }, 'WINDOW_START_NOT_BEFORE_END', 'end'],
    [{ ...legalIst, start: '24:00', end: '24:00' }, 'WINDOW_START_NOT_BEFORE_END', 'end'],
    [{ ...legalIst, daysOfWeek: [] }, 'EMPTY_DAYS_OF_WEEK', 'daysOfWeek'],
    [{ ...legalIst, daysOfWeek: [1, 7] }, 'INVALID_DAY_OF_WEEK', 'daysOfWeek'],
    [{ ...legalIst, daysOfWeek: [-1] }, 'INVALID_DAY_OF_WEEK', 'daysOfWeek'],
    [{ ...legalIst, daysOfWeek: [1.5] }, 'INVALID_DAY_OF_WEEK', 'daysOfWeek'],
  ] as [DailyWindow, string, string][])('%j → %s on %s', (window, code, field) => {
    const problem = describeWindowProblem(window);
    expect(problem).toMatchObject({ code, field });
    expect(problem?.message).toEqual(expect.any(String));
  });

  it('makes the time functions refuse an invalid window instead of guessing', () => {
    const bad = { ...legalIst, timezone: 'Nowhere/Special' };
    expect(() => isInsideWindow(0, bad)).toThrow(/IANA time zone/);
    expect(() => nextWindowOpening(0, bad)).toThrow(RangeError);
    expect(() => nextCallableTime(0, { legal: [legalIst], avoid: [bad] })).toThrow(RangeError);
  });
});

describe('isInsideWindow', () => {
  it.each([
    // label, window, instant, inside?
    ['just before start', legalIst, local('2026-03-09T08:59:59', IST), false],
    ['at start (inclusive)', legalIst, local('2026-03-09T09:00:00', IST), true],
    ['03:30Z is 09:00 IST', legalIst, utc('2026-03-09T03:30:00'), true],
    ['just before end', legalIst, local('2026-03-09T20:59:59.999', IST), true],
    ['at end (exclusive)', legalIst, local('2026-03-09T21:00:00', IST), false],
    ['a second-scale window, inside', { start: '10:00:00', end: '10:00:30', timezone: IST }, local('2026-03-09T10:00:29', IST), true],
    ['a second-scale window, after', { start: '10:00:00', end: '10:00:30', timezone: IST }, local('2026-03-09T10:00:30', IST), false],
    ['24:00 end, last second of the day', { start: '18:00', end: '24:00', timezone: IST }, local('2026-03-09T23:59:59', IST), true],
    ['24:00 end, next midnight', { start: '18:00', end: '24:00', timezone: IST }, local('2026-03-10T00:00:00', IST), false],
    ['whole day window at midnight', { start: '00:00', end: '24:00', timezone: IST }, local('2026-03-10T00:00:00', IST), true],
    ['weekday filter, Monday', weekdaysNy, local('2026-03-09T10:00', NY), true],
    ['weekday filter, Saturday', weekdaysNy, local('2026-03-07T10:00', NY), false],
    ['weekday filter, Sunday', weekdaysNy, local('2026-03-08T10:00', NY), false],
    // Monday 01:00 IST is still Sunday in UTC: the window's own zone decides the weekday.
    ['local weekday, not UTC weekday', { start: '00:00', end: '09:00', timezone: IST, daysOfWeek: [1] }, utc('2026-03-08T19:30:00'), true],
    ['Sunday-only window on a Sunday', { start: '00:00', end: '09:00', timezone: IST, daysOfWeek: [0] }, utc('2026-03-08T19:30:00'), false],
    ['NY 09:00 EDT is 13:00Z', weekdaysNy, utc('2026-03-09T13:00:00'), true],
    ['NY 13:00Z in winter is 08:00 EST', weekdaysNy, utc('2026-03-06T13:00:00'), false],
    ['London 08:30Z in summer is 09:30 BST', { start: '09:00', end: '17:00', timezone: LONDON }, utc('2026-07-01T08:30:00'), true],
    ['London 08:30Z in winter is 08:30 GMT', { start: '09:00', end: '17:00', timezone: LONDON }, utc('2026-01-05T08:30:00'), false],
  ] as [string, DailyWindow, number, boolean][])('%s', (_label, window, at, inside) => {
    expect(isInsideWindow(at, window)).toBe(inside);
  });
});

describe('nextWindowOpening', () => {
  it.each([
    // label, window, from, expected (UTC)
    ['inside: the instant itself', legalIst, local('2026-03-09T12:34:56', IST), '2026-03-09T07:04:56Z'],
    ['before the start: today', legalIst, local('2026-03-09T06:00', IST), '2026-03-09T03:30:00Z'],
    ['at the end: tomorrow', legalIst, local('2026-03-09T21:00', IST), '2026-03-10T03:30:00Z'],
    ['late evening: tomorrow', legalIst, local('2026-03-09T23:59', IST), '2026-03-10T03:30:00Z'],
    ['after the 24:00 end is the next day', { start: '22:00', end: '24:00', timezone: IST }, local('2026-03-10T00:00', IST), '2026-03-10T16:30:00Z'],
    ['Friday evening → Monday', { ...legalIst, daysOfWeek: [1, 2, 3, 4, 5] }, local('2026-03-13T21:30', IST), '2026-03-16T03:30:00Z'],
    ['Saturday → Monday', { ...legalIst, daysOfWeek: [1, 2, 3, 4, 5] }, local('2026-03-14T10:00', IST), '2026-03-16T03:30:00Z'],
    ['Monday after hours, Sunday-only → Sunday', { ...legalIst, daysOfWeek: [0] }, local('2026-03-09T22:00', IST), '2026-03-15T03:30:00Z'],
    ['Sunday-only, on Sunday after hours → a week later', { ...legalIst, daysOfWeek: [0] }, local('2026-03-15T22:00', IST), '2026-03-22T03:30:00Z'],
    // Across the weekend on which New York springs forward: Monday 09:00 is EDT (13:00Z), Friday's was EST (14:00Z).
    ['NY weekend across spring-forward', weekdaysNy, local('2026-03-06T18:00', NY), '2026-03-09T13:00:00Z'],
    ['NY weekend across fall-back', weekdaysNy, local('2026-10-30T18:00', NY), '2026-11-02T14:00:00Z'],
    ['London weekend across spring-forward', { start: '09:00', end: '17:00', timezone: LONDON, daysOfWeek: [1, 2, 3, 4, 5] }, local('2026-03-27T18:00', LONDON), '2026-03-30T08:00:00Z'],
    // 02:30 does not exist on 2026-03-08 in New York: it moves forward by the gap, to 03:30 EDT.
    ['spring-forward gap start moves forward', { start: '02:30', end: '04:00', timezone: NY }, utc('2026-03-08T05:00:00'), '2026-03-08T07:30:00Z'],
    // 02:30–03:00 resolves to [03:30 EDT, 03:00 EDT): empty that day, so the next opening is Monday's.
    ['a window the gap swallows opens the next day', { start: '02:30', end: '03:00', timezone: NY }, utc('2026-03-08T05:00:00'), '2026-03-09T06:30:00Z'],
    // 01:30 happens twice on 2026-11-01 in New York: the window opens at the first one, 01:30 EDT.
    ['fall-back overlap start is the first occurrence', { start: '01:30', end: '03:00', timezone: NY }, utc('2026-11-01T04:00:00'), '2026-11-01T05:30:00Z'],
    ['fall-back overlap in London is the first occurrence too', { start: '01:30', end: '03:00', timezone: LONDON }, utc('2026-10-24T23:00:00'), '2026-10-25T00:30:00Z'],
  ] as [string, DailyWindow, number, string][])('%s', (_label, window, from, expected) => {
    const opening = nextWindowOpening(from, window);
    expect(iso(opening)).toBe(expected);
    expect(isInsideWindow(opening, window)).toBe(true);
  });

  it.each([
    // The 01:00–01:30 window covers only the first pass through those wall times on a fall-back day.
    ['01:15 EDT (first pass) is inside', utc('2026-11-01T05:15:00'), true],
    ['01:15 EST (second pass) is outside', utc('2026-11-01T06:15:00'), false],
  ])('fall-back overlap: %s', (_label, at, inside) => {
    expect(isInsideWindow(at, { start: '01:00', end: '01:30', timezone: NY })).toBe(inside);
  });

  it('a window spanning the fall-back hour lasts one hour longer in real time', () => {
    const window: DailyWindow = { start: '01:30', end: '03:00', timezone: NY };
    expect(isInsideWindow(utc('2026-11-01T06:10:00'), window)).toBe(true); // 01:10 EST, the repeated hour
    expect(isInsideWindow(utc('2026-11-01T07:59:59'), window)).toBe(true); // 02:59:59 EST
    expect(isInsideWindow(utc('2026-11-01T08:00:00'), window)).toBe(false); // 03:00 EST
  });

  it('every opening over a year is 09:00 local on a weekday', () => {
    let at = utc('2026-01-01T00:00:00');
    for (let day = 0; day < 261; day++) {
      const opening = nextWindowOpening(at, weekdaysNy);
      const wall = DateTime.fromMillis(opening, { zone: NY });
      expect([wall.hour, wall.minute, wall.weekday <= 5]).toEqual([9, 0, true]);
      at = local(`${wall.toISODate()}T17:00`, NY);
    }
    expect(DateTime.fromMillis(at, { zone: NY }).year).toBe(2026);
  });
});

describe('nextCallableTime', () => {
  const businessIst: DailyWindow = { start: '10:00', end: '18:00', timezone: IST, daysOfWeek: [1, 2, 3, 4, 5, 6] };
  const lunch: DailyWindow = { start: '13:00', end: '14:00', timezone: IST };

  it.each([
    // label, windows, from, expected (UTC) and moved
    ['inside everything: unchanged', { legal: [legalIst] }, local('2026-03-09T12:00', IST), '2026-03-09T06:30:00Z', false],
    ['before legal hours', { legal: [legalIst] }, local('2026-03-09T07:00', IST), '2026-03-09T03:30:00Z', true],
    ['after legal hours', { legal: [legalIst] }, local('2026-03-09T21:00', IST), '2026-03-10T03:30:00Z', true],
    ['business narrower than legal', { legal: [legalIst], business: businessIst }, local('2026-03-09T09:15', IST), '2026-03-09T04:30:00Z', true],
    ['business: null means none', { legal: [legalIst], business: null }, local('2026-03-09T09:15', IST), '2026-03-09T03:45:00Z', false],
    ['business closed on Sunday', { legal: [legalIst], business: businessIst }, local('2026-03-08T11:00', IST), '2026-03-09T04:30:00Z', true],
    ['Saturday evening → Monday', { legal: [{ ...legalIst, daysOfWeek: [1, 2, 3, 4, 5, 6] }] }, local('2026-03-14T21:30', IST), '2026-03-16T03:30:00Z', true],
    ['inside an avoid window → its end', { legal: [legalIst], avoid: [lunch] }, local('2026-03-09T13:15', IST), '2026-03-09T08:30:00Z', true],
    ['the end of an avoid window is callable', { legal: [legalIst], avoid: [lunch] }, local('2026-03-09T14:00', IST), '2026-03-09T08:30:00Z', false],
    ['chained avoid windows', { legal: [legalIst], avoid: [lunch, { start: '13:45', end: '15:00', timezone: IST }] }, local('2026-03-09T13:15', IST), '2026-03-09T09:30:00Z', true],
    ['avoid to 24:00 pushes to tomorrow’s legal opening', { legal: [legalIst], avoid: [{ start: '20:30', end: '24:00', timezone: IST }] }, local('2026-03-09T20:45', IST), '2026-03-10T03:30:00Z', true],
    ['avoid only on Mondays', { legal: [legalIst], avoid: [{ ...lunch, daysOfWeek: [1] }] }, local('2026-03-10T13:15', IST), '2026-03-10T07:45:00Z', false],
    // A London avoid window (05:00–06:00 GMT in January) is 10:30–11:30 IST.
    ['avoid window in another zone', { legal: [legalIst], avoid: [{ start: '05:00', end: '06:00', timezone: LONDON }] }, local('2026-01-12T10:45', IST), '2026-01-12T06:00:00Z', true],
    // Legal in India, business hours in New York: they overlap from NY 09:00 to 21:00 IST.
    ['two zones, NY on EDT: 09:00 EDT = 18:30 IST', { legal: [legalIst], business: weekdaysNy }, local('2026-03-09T09:30', IST), '2026-03-09T13:00:00Z', true],
    ['two zones, NY on EST: 09:00 EST = 19:30 IST', { legal: [legalIst], business: weekdaysNy }, local('2026-03-06T09:30', IST), '2026-03-06T14:00:00Z', true],
    ['two zones, after the overlap → next day', { legal: [legalIst], business: weekdaysNy }, local('2026-03-09T21:00', IST), '2026-03-10T13:00:00Z', true],
    ['two zones, Friday after the overlap → Monday, across NY spring-forward', { legal: [legalIst], business: weekdaysNy }, local('2026-03-06T21:00', IST), '2026-03-09T13:00:00Z', true],
    ['two zones, inside the overlap', { legal: [legalIst], business: weekdaysNy }, utc('2026-03-09T15:00:00'), '2026-03-09T15:00:00Z', false],
    ['24:00 legal end: last minute of the day still callable', { legal: [{ start: '18:00', end: '24:00', timezone: IST }] }, local('2026-03-09T23:59', IST), '2026-03-09T18:29:00Z', false],
  ] as [string, CallingWindows, number, string, boolean][])('%s', (_label, windows, from, expected, moved) => {
    const result = nextCallableTime(from, windows);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(iso(result.at)).toBe(expected);
    expect(result.moved).toBe(moved);
  });

  it.each([
    ['business 22:00–23:00 IST never overlaps legal 09:00–21:00 IST', { legal: [legalIst], business: { start: '22:00', end: '23:00', timezone: IST } }, /22:00–23:00 Asia\/Kolkata/],
    ['legal on Sundays, business on Mondays', { legal: [{ ...legalIst, daysOfWeek: [0] }], business: { ...legalIst, daysOfWeek: [1] } }, /legal window/],
    ['an avoid window covering the whole legal window', { legal: [legalIst], avoid: [{ start: '08:00', end: '22:00', timezone: IST }] }, /outside 08:00–22:00/],
    ['NY business hours entirely after IST legal hours end', { legal: [{ ...legalIst, end: '17:00' }], business: weekdaysNy }, /business window/],
  ] as [string, CallingWindows, RegExp][])('%s → NO_CALLABLE_TIME', (_label, windows, message) => {
    const result = nextCallableTime(local('2026-03-09T10:00', IST), windows);
    expect(result).toEqual({ ok: false, code: 'NO_CALLABLE_TIME', message: expect.stringMatching(message) });
  });

  it('gives up at horizonDays, and finds the time with a longer horizon', () => {
    const windows: CallingWindows = { legal: [{ ...legalIst, daysOfWeek: [0] }] };
    const monday = local('2026-03-09T10:00', IST);
    expect(nextCallableTime(monday, windows, 3)).toMatchObject({ ok: false, code: 'NO_CALLABLE_TIME', message: expect.stringContaining('3 days') });
    expect(nextCallableTime(monday, windows, 7)).toEqual({ ok: true, at: utc('2026-03-15T03:30:00'), moved: true });
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects horizonDays %p', (horizon) => {
    expect(() => nextCallableTime(0, { legal: [legalIst] }, horizon)).toThrow(RangeError);
  });

  // Windows on quarter hours, so checking every quarter hour between `from` and the answer proves none was skipped.
  it('returns the earliest quarter hour that satisfies every window (sweep)', () => {
    const windows: CallingWindows = {
      legal: [
        { start: '09:00', end: '21:00', timezone: IST, daysOfWeek: [1, 2, 3, 4, 5, 6] },
        { start: '07:00', end: '21:00', timezone: NY },
      ],
      business: { start: '08:00', end: '17:30', timezone: LONDON, daysOfWeek: [1, 2, 3, 4, 5] },
      avoid: [
        { start: '13:00', end: '14:15', timezone: IST },
        { start: '09:00', end: '09:45', timezone: NY, daysOfWeek: [2] },
      ],
    };
    const allowed = (at: number) =>
      windows.legal.every((window) => isInsideWindow(at, window)) &&
      isInsideWindow(at, windows.business as DailyWindow) &&
      !(windows.avoid ?? []).some((window) => isInsideWindow(at, window));
    const quarter = 15 * 60_000;
    for (let from = utc('2026-03-26T00:00:00'); from < utc('2026-04-02T00:00:00'); from += 7 * quarter) {
      const result = nextCallableTime(from, windows);
      if (!result.ok) throw new Error(result.message);
      expect(allowed(result.at)).toBe(true);
      for (let t = Math.ceil(from / quarter) * quarter; t < result.at; t += quarter) expect(allowed(t)).toBe(false);
    }
  });
});
