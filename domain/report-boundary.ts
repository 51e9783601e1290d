import { DateTime } from 'luxon';

/**
 * One end of a report's period as a client writes it: an ISO date-time with an offset, taken as
 * given, or a bare date, read as a day in the account's time zone. Periods are half-open [from, to),
 * so a date as `from` is that day's first instant and as `to` the next day's midnight: `to=2026-11-30`
 * takes the whole of the 30th in.
 */
export type BoundaryEdge = 'from' | 'to';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The instant, or null when the text is neither a real date nor a date-time with an offset. */
export function reportBoundary(text: string, edge: BoundaryEdge, zone: string): Date | null {
  if (DATE_ONLY.test(text)) {
    const day = DateTime.fromISO(text, { zone });
    if (!day.isValid) return null;
    return (edge === 'from' ? day.startOf('day') : day.startOf('day').plus({ days: 1 })).toJSDate();
  }
  const instant = DateTime.fromISO(text, { setZone: true });
  if (!instant.isValid || !/([zZ]|[+-]\d{2}:?\d{2})$/.test(text)) return null;
  return instant.toJSDate();
}
