import { DateTime, IANAZone } from 'luxon';
import {
  addToLocalDate,
  localDateAt,
  localDateWeekday,
  localInstant,
  parseTimeOfDay,
  timeOfDaySeconds,
  type LocalDate,
  type TimeOfDay,
} from './time-of-day';

/**
 * Daily windows (legal, business, avoid): when a call may start.
 *
 * A window is evaluated per local calendar date in its own zone: on date D (when D's weekday is allowed) it covers
 * the instants [start on D, end on D), each wall time turned into an instant by `localInstant` — a time inside a
 * spring-forward gap moves forward by the gap, a time that happens twice in a fall-back overlap is its first
 * occurrence, and `24:00` is midnight at the end of D. Overnight windows (start after end) are not a thing here:
 * split them, or express "not at night" as an `avoid` window.
 *
 * Everything is pure and deterministic (no clock, no I/O) because workflows call it during replay.
 */

/** A daily window in an IANA zone, optionally only on some weekdays (0 = Sunday … 6 = Saturday, like JS Date/seed). */
export interface DailyWindow {
  start: string;
  end: string;
  timezone: string;
  daysOfWeek?: number[];
}

export type WindowProblemCode =
  | 'INVALID_TIMEZONE'
  | 'INVALID_TIME_OF_DAY'
  | 'WINDOW_START_NOT_BEFORE_END'
  | 'EMPTY_DAYS_OF_WEEK'
  | 'INVALID_DAY_OF_WEEK';

export interface WindowProblem {
  code: WindowProblemCode;
  message: string;
  field: 'start' | 'end' | 'timezone' | 'daysOfWeek';
}

export function isValidTimeZone(zone: string): boolean {
  // IANAZone.create caches the zone and its validity; IANAZone.isValidZone would build an Intl formatter per call.
  return typeof zone === 'string' && zone.length > 0 && IANAZone.create(zone).isValid;
}

export function describeWindowProblem(window: DailyWindow): WindowProblem | null {
  if (!isValidTimeZone(window.timezone)) {
    return { code: 'INVALID_TIMEZONE', field: 'timezone', message: `"${String(window.timezone)}" is not an IANA time zone (e.g. Asia/Kolkata)` };
  }
  for (const field of ['start', 'end'] as const) {
    if (!parseTimeOfDay(window[field])) {
      return { code: 'INVALID_TIME_OF_DAY', field, message: `${field} "${String(window[field])}" is not a time of day (HH:mm or HH:mm:ss, 00:00–24:00)` };
    }
  }
  if (timeOfDaySeconds(window.start) >= timeOfDaySeconds(window.end)) {
    return {
      code: 'WINDOW_START_NOT_BEFORE_END',
      field: 'end',
      message: `window start ${window.start} must be before its end ${window.end} (windows cannot cross midnight; use 24:00 for end of day)`,
    };
  }
  if (window.daysOfWeek !== undefined) {
    if (!Array.isArray(window.daysOfWeek) || window.daysOfWeek.length === 0) {
      return { code: 'EMPTY_DAYS_OF_WEEK', field: 'daysOfWeek', message: 'daysOfWeek must list at least one day (omit it for every day)' };
    }
    const bad = window.daysOfWeek.find((day) => !Number.isInteger(day) || day < 0 || day > 6);
    if (bad !== undefined) {
      return { code: 'INVALID_DAY_OF_WEEK', field: 'daysOfWeek', message: `daysOfWeek entry ${String(bad)} is not a weekday (0 = Sunday … 6 = Saturday)` };
    }
  }
  return null;
}

/** A validated window, parsed once per public call. */
interface ParsedWindow {
  start: TimeOfDay;
  end: TimeOfDay;
  zone: string;
  days: ReadonlySet<number> | null;
  /** Intervals by local date: nextCallableTime revisits the same dates many times, and each costs several Intl lookups. */
  intervals: Map<string, { start: number; end: number } | null>;
}

function parseWindow(window: DailyWindow): ParsedWindow {
  const problem = describeWindowProblem(window);
  // Callers validate input first (describeWindowProblem); reaching here with a bad window is a programming error.
  if (problem) throw new RangeError(`Invalid calling window: ${problem.message}`);
  return {
    start: parseTimeOfDay(window.start) as TimeOfDay,
    end: parseTimeOfDay(window.end) as TimeOfDay,
    zone: window.timezone,
    days: window.daysOfWeek ? new Set(window.daysOfWeek) : null,
    intervals: new Map(),
  };
}

/** The window's instants on one local date: null when that weekday is excluded or DST leaves it empty. */
function windowOn(date: LocalDate, window: ParsedWindow): { start: number; end: number } | null {
  const key = `${date.year}-${date.month}-${date.day}`;
  let interval = window.intervals.get(key);
  if (interval === undefined) {
    interval = null;
    if (!window.days || window.days.has(localDateWeekday(date))) {
      const start = localInstant(date, window.start, window.zone);
      const end = localInstant(date, window.end, window.zone);
      if (start !== null && end !== null && start < end) interval = { start, end };
    }
    window.intervals.set(key, interval);
  }
  return interval;
}

/** Each local date has at most one interval, and it lies inside that date, so only `at`'s own date can hold it. */
function containingInterval(at: number, window: ParsedWindow): { start: number; end: number } | null {
  const interval = windowOn(localDateAt(at, window.zone), window);
  return interval && interval.start <= at && at < interval.end ? interval : null;
}

// A week covers every allowed weekday; the extra week absorbs a day that a DST gap happened to empty.
const OPENING_SEARCH_DAYS = 15;

function nextOpening(at: number, window: ParsedWindow): number {
  if (containingInterval(at, window)) return at;
  const today = localDateAt(at, window.zone);
  for (let offset = 0; offset < OPENING_SEARCH_DAYS; offset++) {
    const date = addToLocalDate(today, { days: offset });
    if (!date) break;
    const interval = windowOn(date, window);
    if (interval && interval.start > at) return interval.start;
  }
  throw new RangeError(`Calling window ${describe(window)} has no opening after ${DateTime.fromMillis(at).toUTC().toISO()}`);
}

/** `at` is epoch ms. True when `at` lies in [start, end) of its own local date and that weekday is allowed. */
export function isInsideWindow(at: number, window: DailyWindow): boolean {
  return containingInterval(at, parseWindow(window)) !== null;
}

/** `at` itself when inside the window, else the next local start on an allowed day. */
export function nextWindowOpening(at: number, window: DailyWindow): number {
  return nextOpening(at, parseWindow(window));
}

/** What a call's start time must respect. */
export interface CallingWindows {
  /** The legal window in every zone it must hold in: a call starts only where all of them are open. */
  legal: DailyWindow[];
  business?: DailyWindow | null;
  avoid?: DailyWindow[];
}

export type CallableTime = { ok: true; at: number; moved: boolean } | { ok: false; code: 'NO_CALLABLE_TIME'; message: string };

const DAY_MS = 86_400_000;

/**
 * The earliest instant >= `at` inside every `legal` window, inside `business` (when given) and outside every `avoid` window.
 * Each round jumps to the latest of the violated constraints' remedies (next opening, or end of the avoid window
 * we are in); no constraint can be satisfied earlier than its own remedy, so the first instant that satisfies
 * all of them is never skipped. Rounds are bounded because each lands on a window boundary, and a window has at
 * most two per day; `horizonDays` turns windows that never overlap into NO_CALLABLE_TIME instead of a long search.
 */
export function nextCallableTime(at: number, windows: CallingWindows, horizonDays = 400): CallableTime {
  if (!Number.isFinite(at)) throw new RangeError(`nextCallableTime: "at" must be epoch milliseconds, got ${at}`);
  if (!(horizonDays > 0) || !Number.isFinite(horizonDays)) throw new RangeError(`nextCallableTime: horizonDays must be positive, got ${horizonDays}`);
  if (windows.legal.length === 0) throw new RangeError('nextCallableTime: at least one legal window is required');
  const legal = windows.legal.map(parseWindow);
  const business = windows.business ? parseWindow(windows.business) : null;
  const avoid = (windows.avoid ?? []).map(parseWindow);
  const limit = at + horizonDays * DAY_MS;
  const maxRounds = (Math.ceil(horizonDays) + 2) * 2 * (1 + legal.length + avoid.length) + 8;

  let candidate = at;
  for (let round = 0; round < maxRounds && candidate <= limit; round++) {
    let next = candidate;
    for (const window of legal) {
      if (!containingInterval(candidate, window)) next = Math.max(next, nextOpening(candidate, window));
    }
    if (business && !containingInterval(candidate, business)) next = Math.max(next, nextOpening(candidate, business));
    for (const window of avoid) {
      const inside = containingInterval(candidate, window);
      if (inside) next = Math.max(next, inside.end);
    }
    if (next === candidate) return { ok: true, at: candidate, moved: candidate !== at };
    candidate = next;
  }
  const parts = [`the legal window (${legal.map(describe).join(' and ')})`];
  if (business) parts.push(`the business window (${describe(business)})`);
  const avoiding = avoid.length ? ` while outside ${avoid.map(describe).join(', ')}` : '';
  return {
    ok: false,
    code: 'NO_CALLABLE_TIME',
    message: `No instant within ${horizonDays} days after ${DateTime.fromMillis(at).toUTC().toISO()} is inside ${parts.join(' and ')}${avoiding}`,
  };
}

function describe(window: ParsedWindow): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = (t: TimeOfDay) => `${pad(t.hour)}:${pad(t.minute)}${t.second ? `:${pad(t.second)}` : ''}`;
  const days = window.days ? ` on days ${[...window.days].sort((a, b) => a - b).join(',')}` : '';
  return `${time(window.start)}–${time(window.end)} ${window.zone}${days}`;
}
