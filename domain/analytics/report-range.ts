import { reportBoundary } from '../report-boundary';

/** The period every report covers when the request names none. */
export const DEFAULT_RANGE_DAYS = 7;

const DAY_MS = 86_400_000;

/** Reports cover the half-open period [from, to): a row at `to` belongs to the next period. */
export interface ReportRange {
  from: Date;
  to: Date;
}

/**
 * `to` defaults to now and `from` to DEFAULT_RANGE_DAYS before `to`; either may be given alone. Bare
 * dates are days in `zone` (domain/report-boundary); the texts were validated by the query schema.
 */
export function resolveRange(query: { from?: string; to?: string }, now: Date, zone: string): ReportRange {
  const to = query.to === undefined ? now : boundaryOf(query.to, 'to', zone);
  const from = query.from === undefined ? new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY_MS) : boundaryOf(query.from, 'from', zone);
  return { from, to };
}

function boundaryOf(text: string, edge: 'from' | 'to', zone: string): Date {
  return reportBoundary(text, edge, zone) ?? new Date(Number.NaN);
}
