import { DateTime } from 'luxon';
import { isValidTimeZone } from './daily-window';
import {
  addToLocalDate,
  compareLocalDates,
  daysInLocalMonth,
  localDateWeekday,
  localInstant,
  parseLocalDate,
  parseTimeOfDay,
  type LocalDate,
  type TimeOfDay,
} from './time-of-day';

/**
 * Recurring call series. Occurrence `index` (0-based) is computed directly from the rule, never by stepping
 * through the ones before it, so a workflow can resume a years-long series from its index alone.
 *
 * Rules:
 * - daily: startDate + index × interval days.
 * - weekly: weeks start on Monday. Week 0 is the week containing startDate, and only its chosen days on or after
 *   startDate count; after it come weeks interval, 2 × interval, …, each contributing all chosen days in order
 *   (Monday first). daysOfWeek defaults to startDate's weekday.
 * - monthly (month-end rule): month 0 is startDate's month when that month's occurrence falls on or after
 *   startDate, else the month after; then every interval months. A dayOfMonth the month lacks (the 31st in April,
 *   29–31 in February) runs on that month's last day, and the series returns to the chosen day in months that
 *   have it, so a series on the 31st runs Jan 31, Feb 28 (29 in leap years), Mar 31, Apr 30, … — no month is
 *   ever skipped. dayOfMonth defaults to startDate's day.
 * - timeOfDay is wall-clock time in `timezone`: a 09:00 America/New_York series stays at 09:00 local across DST
 *   (13:00Z in summer, 14:00Z in winter); Asia/Kolkata, without DST, is always 03:30Z. A time inside a
 *   spring-forward gap moves forward by the gap (02:30 → 03:30 on the US spring-forward day); a time that
 *   happens twice on a fall-back day is its first occurrence (see localInstant).
 * - endDate is an inclusive local date; maxOccurrences caps the count. An occurrence past either is null, and so
 *   is one beyond the dates luxon can represent.
 */

export type Frequency = 'daily' | 'weekly' | 'monthly';

export interface RecurrenceRule {
  frequency: Frequency;
  /** Every `interval` days/weeks/months, >= 1. */
  interval: number;
  /** Local date YYYY-MM-DD in `timezone`: the series' first possible day. */
  startDate: string;
  /** HH:mm (or HH:mm:ss) local. */
  timeOfDay: string;
  /** IANA zone. */
  timezone: string;
  /** Weekly only; 0 = Sunday … 6 = Saturday; default: the weekday of startDate. */
  daysOfWeek?: number[];
  /** Monthly only; 1..31; default: the day of startDate. */
  dayOfMonth?: number;
  /** Local date YYYY-MM-DD, inclusive: no occurrence on a later local date. */
  endDate?: string | null;
  maxOccurrences?: number | null;
  /**
   * Tests and demos only (the API never sets it): occurrence n comes n × this many milliseconds after the first
   * instead of n days, weeks or months later, so a series lives through its whole life in seconds. The first
   * occurrence, endDate (by the occurrence's local date) and maxOccurrences keep their meaning.
   */
  compressedPeriodMs?: number;
}

export type RuleProblemCode =
  | 'INVALID_TIMEZONE'
  | 'INVALID_TIME_OF_DAY'
  | 'INVALID_DATE'
  | 'INVALID_INTERVAL'
  | 'INVALID_DAY_OF_WEEK'
  | 'EMPTY_DAYS_OF_WEEK'
  | 'INVALID_DAY_OF_MONTH'
  | 'END_BEFORE_START'
  | 'INVALID_MAX_OCCURRENCES';

export interface RuleProblem {
  code: RuleProblemCode;
  message: string;
  field: string;
}

const FREQUENCIES: readonly string[] = ['daily', 'weekly', 'monthly'];

export function describeRuleProblem(rule: RecurrenceRule): RuleProblem | null {
  if (!isValidTimeZone(rule.timezone)) {
    return { code: 'INVALID_TIMEZONE', field: 'timezone', message: `"${String(rule.timezone)}" is not an IANA time zone (e.g. Asia/Kolkata)` };
  }
  const time = parseTimeOfDay(rule.timeOfDay);
  // 24:00 ends a window; as a start time it would silently mean the next day's 00:00.
  if (!time || time.hour === 24) {
    return { code: 'INVALID_TIME_OF_DAY', field: 'timeOfDay', message: `timeOfDay "${String(rule.timeOfDay)}" is not a time of day (HH:mm or HH:mm:ss, 00:00–23:59:59)` };
  }
  const start = parseLocalDate(rule.startDate);
  if (!start) return { code: 'INVALID_DATE', field: 'startDate', message: `startDate "${String(rule.startDate)}" is not a calendar date (YYYY-MM-DD)` };
  const end = rule.endDate == null ? null : parseLocalDate(rule.endDate);
  if (rule.endDate != null && !end) {
    return { code: 'INVALID_DATE', field: 'endDate', message: `endDate "${String(rule.endDate)}" is not a calendar date (YYYY-MM-DD)` };
  }
  if (!Number.isSafeInteger(rule.interval) || rule.interval < 1) {
    return { code: 'INVALID_INTERVAL', field: 'interval', message: `interval must be a whole number >= 1, got ${String(rule.interval)}` };
  }
  if (rule.daysOfWeek !== undefined) {
    if (!Array.isArray(rule.daysOfWeek) || rule.daysOfWeek.length === 0) {
      return { code: 'EMPTY_DAYS_OF_WEEK', field: 'daysOfWeek', message: 'daysOfWeek must list at least one day (omit it for the weekday of startDate)' };
    }
    const bad = rule.daysOfWeek.find((day) => !Number.isInteger(day) || day < 0 || day > 6);
    if (bad !== undefined) {
      return { code: 'INVALID_DAY_OF_WEEK', field: 'daysOfWeek', message: `daysOfWeek entry ${String(bad)} is not a weekday (0 = Sunday … 6 = Saturday)` };
    }
  }
  if (rule.dayOfMonth !== undefined && (!Number.isInteger(rule.dayOfMonth) || rule.dayOfMonth < 1 || rule.dayOfMonth > 31)) {
    return { code: 'INVALID_DAY_OF_MONTH', field: 'dayOfMonth', message: `dayOfMonth must be a whole number 1–31, got ${String(rule.dayOfMonth)}` };
  }
  if (end && compareLocalDates(end, start) < 0) {
    return { code: 'END_BEFORE_START', field: 'endDate', message: `endDate ${rule.endDate} is before startDate ${rule.startDate}` };
  }
  if (rule.compressedPeriodMs !== undefined && (!Number.isSafeInteger(rule.compressedPeriodMs) || rule.compressedPeriodMs < 1)) {
    return { code: 'INVALID_INTERVAL', field: 'compressedPeriodMs', message: `compressedPeriodMs must be a whole number >= 1, got ${String(rule.compressedPeriodMs)}` };
  }
  if (rule.maxOccurrences != null && (!Number.isSafeInteger(rule.maxOccurrences) || rule.maxOccurrences < 1)) {
    return { code: 'INVALID_MAX_OCCURRENCES', field: 'maxOccurrences', message: `maxOccurrences must be a whole number >= 1, got ${String(rule.maxOccurrences)}` };
  }
  return null;
}

interface ParsedRule {
  frequency: Frequency;
  interval: number;
  start: LocalDate;
  end: LocalDate | null;
  time: TimeOfDay;
  zone: string;
  /** Weekly: chosen days as offsets from Monday (0 = Monday … 6 = Sunday), ascending. */
  weekOffsets: number[];
  dayOfMonth: number;
  maxOccurrences: number | null;
  compressedPeriodMs: number | null;
}

function parseRule(rule: RecurrenceRule): ParsedRule {
  const problem = describeRuleProblem(rule);
  // Callers validate input first (describeRuleProblem); reaching here with a bad rule is a programming error.
  if (problem) throw new RangeError(`Invalid recurrence rule: ${problem.message}`);
  if (!FREQUENCIES.includes(rule.frequency)) throw new RangeError(`Invalid recurrence rule: unknown frequency "${String(rule.frequency)}"`);
  const start = parseLocalDate(rule.startDate) as LocalDate;
  const days = rule.daysOfWeek ?? [localDateWeekday(start)];
  return {
    frequency: rule.frequency,
    interval: rule.interval,
    start,
    end: rule.endDate == null ? null : parseLocalDate(rule.endDate),
    time: parseTimeOfDay(rule.timeOfDay) as TimeOfDay,
    zone: rule.timezone,
    weekOffsets: [...new Set(days.map(mondayOffset))].sort((a, b) => a - b),
    dayOfMonth: rule.dayOfMonth ?? start.day,
    maxOccurrences: rule.maxOccurrences ?? null,
    compressedPeriodMs: rule.compressedPeriodMs ?? null,
  };
}

function mondayOffset(jsWeekday: number): number {
  return (jsWeekday + 6) % 7;
}

/** The month-end rule: the chosen day, or the month's last day when it is shorter. */
function dayInMonth(year: number, month: number, dayOfMonth: number): LocalDate {
  return { year, month, day: Math.min(dayOfMonth, daysInLocalMonth(year, month)) };
}

function occurrenceDate(rule: ParsedRule, index: number): LocalDate | null {
  switch (rule.frequency) {
    case 'daily':
      return addToLocalDate(rule.start, { days: index * rule.interval });
    case 'weekly': {
      const startOffset = mondayOffset(localDateWeekday(rule.start));
      const firstWeek = rule.weekOffsets.filter((offset) => offset >= startOffset);
      const monday = addToLocalDate(rule.start, { days: -startOffset }) as LocalDate;
      if (index < firstWeek.length) return addToLocalDate(monday, { days: firstWeek[index] });
      const rest = index - firstWeek.length;
      const perWeek = rule.weekOffsets.length;
      const week = (Math.floor(rest / perWeek) + 1) * rule.interval;
      return addToLocalDate(monday, { days: week * 7 + rule.weekOffsets[rest % perWeek] });
    }
    case 'monthly': {
      const startMonth = { year: rule.start.year, month: rule.start.month, day: 1 };
      const inStartMonth = dayInMonth(rule.start.year, rule.start.month, rule.dayOfMonth);
      const firstMonth = inStartMonth.day >= rule.start.day ? 0 : 1;
      const month = addToLocalDate(startMonth, { months: firstMonth + index * rule.interval });
      return month && dayInMonth(month.year, month.month, rule.dayOfMonth);
    }
  }
}

function occurrence(rule: ParsedRule, index: number): number | null {
  if (rule.maxOccurrences !== null && index >= rule.maxOccurrences) return null;
  if (rule.compressedPeriodMs !== null) return compressedOccurrence(rule, rule.compressedPeriodMs, index);
  const date = occurrenceDate(rule, index);
  if (!date || (rule.end && compareLocalDates(date, rule.end) > 0)) return null;
  return localInstant(date, rule.time, rule.zone);
}

function checkIndex(name: string, index: number): void {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`${name} must be a whole number >= 0, got ${index}`);
}

/** Epoch ms of occurrence number `index` (0-based), or null when it falls after endDate or index >= maxOccurrences. */
export function occurrenceAt(rule: RecurrenceRule, index: number): number | null {
  checkIndex('index', index);
  return occurrence(parseRule(rule), index);
}

/**
 * The smallest index whose occurrence is >= at (null if none remain). Occurrences never decrease with the index
 * and, once null, stay null, so a doubling search brackets the answer and a binary search finds it: about
 * 2 × log2(index) evaluations however long the series.
 */
export function firstOccurrenceIndexAtOrAfter(rule: RecurrenceRule, at: number): number | null {
  if (!Number.isFinite(at)) throw new RangeError(`at must be epoch milliseconds, got ${at}`);
  const parsed = parseRule(rule);
  const reaches = (index: number) => {
    const when = occurrence(parsed, index);
    return when === null || when >= at;
  };
  if (reaches(0)) return occurrence(parsed, 0) === null ? null : 0;
  let below = 0;
  let above = 1;
  while (!reaches(above)) {
    below = above;
    // Past the safe-integer range every date is beyond luxon's anyway, so this only guards the arithmetic.
    if (above > Number.MAX_SAFE_INTEGER / 4) return null;
    above *= 2;
  }
  while (above - below > 1) {
    const middle = below + Math.floor((above - below) / 2);
    if (reaches(middle)) above = middle;
    else below = middle;
  }
  return occurrence(parsed, above) === null ? null : above;
}

/** Up to `count` upcoming occurrences from index `fromIndex`: [{ index, at }]. */
export function upcomingOccurrences(rule: RecurrenceRule, fromIndex: number, count: number): { index: number; at: number }[] {
  checkIndex('fromIndex', fromIndex);
  checkIndex('count', count);
  const parsed = parseRule(rule);
  const result: { index: number; at: number }[] = [];
  for (let index = fromIndex; result.length < count; index++) {
    const at = occurrence(parsed, index);
    if (at === null) break;
    result.push({ index, at });
  }
  return result;
}

function compressedOccurrence(rule: ParsedRule, periodMs: number, index: number): number | null {
  const first = localInstant(rule.start, rule.time, rule.zone);
  if (first === null) return null;
  const at = first + index * periodMs;
  if (rule.end) {
    const local = DateTime.fromMillis(at, { zone: rule.zone });
    if (compareLocalDates({ year: local.year, month: local.month, day: local.day }, rule.end) > 0) return null;
  }
  return at;
}
