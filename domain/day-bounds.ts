import { DateTime } from 'luxon';

/** `YYYY-MM-DD`: a calendar date with no time, which list filters read as a whole day. */
export const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The instant a period filter's bound stands for. An ISO instant is itself; a date-only bound covers
 * that whole day in `zone`, so `from` is the day's first instant and `to` (exclusive) the next day's,
 * whatever length daylight saving gives the day. Null for a date that does not exist.
 */
export function periodBound(value: string, edge: 'from' | 'to', zone: string): Date | null {
  if (!DATE_ONLY.test(value)) {
    const instant = new Date(value);
    return Number.isNaN(instant.getTime()) ? null : instant;
  }
  const day = DateTime.fromISO(value, { zone });
  if (!day.isValid) return null;
  return (edge === 'from' ? day.startOf('day') : day.startOf('day').plus({ days: 1 })).toJSDate();
}
