/** The period every report covers when the request names none. */
export const DEFAULT_RANGE_DAYS = 7;

const DAY_MS = 86_400_000;

/** Reports cover the half-open period [from, to): a row at `to` belongs to the next period. */
export interface ReportRange {
  from: Date;
  to: Date;
}

/** `to` defaults to now and `from` to DEFAULT_RANGE_DAYS before `to`; either may be given alone. */
export function resolveRange(query: { from?: string; to?: string }, now: Date): ReportRange {
  const to = query.to === undefined ? now : new Date(query.to);
  const from = query.from === undefined ? new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY_MS) : new Date(query.from);
  return { from, to };
}
