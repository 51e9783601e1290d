import { DateTime } from 'luxon';

/** A wall-clock time. `hour` is 24 only for `24:00`, the end of a local day. */
export interface TimeOfDay {
  hour: number;
  minute: number;
  second: number;
}

/** A calendar date with no zone attached; months are 1-based like luxon's. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const TIME_OF_DAY = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * Parses `HH:mm` or `HH:mm:ss` (24-hour, two digits each). Seconds are accepted because tests shrink windows to
 * seconds. `24:00` (and `24:00:00`) is accepted as the end of the day; callers that need a start or a time inside
 * the day reject hour 24 themselves.
 */
export function parseTimeOfDay(text: string): TimeOfDay | null {
  if (typeof text !== 'string') return null;
  const match = TIME_OF_DAY.exec(text);
  if (!match) return null;
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  const second = match[3] === undefined ? 0 : Number(match[3]);
  if (hour === 24) return minute === 0 && second === 0 ? { hour, minute, second } : null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  return { hour, minute, second };
}

/** Seconds since local midnight; `24:00` is 86400. */
export function timeOfDaySeconds(text: string): number {
  const time = parseTimeOfDay(text);
  if (!time) throw new RangeError(`Invalid time of day "${text}": expected HH:mm or HH:mm:ss (00:00–24:00)`);
  return time.hour * 3600 + time.minute * 60 + time.second;
}

/** Parses a strict `YYYY-MM-DD` that names a real calendar day (so no 2026-02-30). */
export function parseLocalDate(text: string): LocalDate | null {
  if (typeof text !== 'string' || !LOCAL_DATE.test(text)) return null;
  const date = DateTime.fromISO(text, { zone: 'utc' });
  return date.isValid ? { year: date.year, month: date.month, day: date.day } : null;
}

/**
 * Calendar arithmetic on zone-less dates. It runs in UTC only because UTC has no DST, so adding days never
 * lands on a different wall-clock date than the calendar says; null when the result leaves luxon's range.
 */
export function addToLocalDate(date: LocalDate, amount: { days?: number; months?: number }): LocalDate | null {
  const moved = DateTime.utc(date.year, date.month, date.day).plus(amount);
  return moved.isValid ? { year: moved.year, month: moved.month, day: moved.day } : null;
}

/** 0 = Sunday … 6 = Saturday, like JS Date (luxon counts 1 = Monday … 7 = Sunday). */
export function localDateWeekday(date: LocalDate): number {
  return DateTime.utc(date.year, date.month, date.day).weekday % 7;
}

export function daysInLocalMonth(year: number, month: number): number {
  return DateTime.utc(year, month, 1).daysInMonth ?? 31;
}

/** Orders dates by the calendar: negative, zero or positive like a sort comparator. */
export function compareLocalDates(a: LocalDate, b: LocalDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/**
 * The instant (epoch ms) at which a zone's clocks show `time` on `date`, or null outside luxon's range.
 * `24:00` is midnight at the start of the next local day.
 *
 * DST rule (RFC 5545's, and the one every caller of this module relies on):
 * - a wall time that does not exist (spring-forward gap) moves forward by the length of the gap, as luxon's
 *   DateTime.fromObject resolves it: 02:30 on 2026-03-08 in America/New_York is 03:30 EDT (07:30Z);
 * - a wall time that happens twice (fall-back overlap) is its FIRST occurrence, the earlier instant:
 *   01:30 on 2026-11-01 in America/New_York is 01:30 EDT (05:30Z), not 01:30 EST.
 * The overlap is pinned explicitly because luxon's own pick for an ambiguous time depends on the offset in
 * force at the current clock (Settings.now), which would make the answer change with the day it is asked.
 */
export function localInstant(date: LocalDate, time: TimeOfDay, zone: string): number | null {
  if (time.hour === 24) {
    const next = addToLocalDate(date, { days: 1 });
    return next ? localInstant(next, { hour: 0, minute: 0, second: 0 }, zone) : null;
  }
  const resolved = DateTime.fromObject({ ...date, ...time }, { zone });
  if (!resolved.isValid) return null;
  // Same one-day probe luxon's getPossibleOffsets starts with; it saves its extra Intl lookups on ordinary days.
  const stable = resolved.zone.offset(resolved.toMillis() - DAY_MS) === resolved.zone.offset(resolved.toMillis() + DAY_MS);
  if (stable) return resolved.toMillis();
  let earliest = resolved.toMillis();
  for (const candidate of resolved.getPossibleOffsets()) earliest = Math.min(earliest, candidate.toMillis());
  return earliest;
}

/** The local calendar date at an instant in a zone. */
export function localDateAt(at: number, zone: string): LocalDate {
  const local = DateTime.fromMillis(at, { zone });
  return { year: local.year, month: local.month, day: local.day };
}
