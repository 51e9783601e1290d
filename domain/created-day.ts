/**
 * The UTC calendar day a record was created, as `YYYY-MM-DD`. Stored beside `createdAt` so a query
 * can narrow a large table to one day by equality, the only condition FerretDB hands to PostgreSQL
 * (docs/database.md, "The call list on FerretDB"); ranges on `createdAt` it filters itself.
 */
export type CreatedDay = string;

const DAY_MS = 86_400_000;

export function createdDayOf(instant: Date): CreatedDay {
  return instant.toISOString().slice(0, 10);
}

/** Midnight UTC that starts the day. */
export function startOfCreatedDay(day: CreatedDay): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

export function dayBefore(day: CreatedDay): CreatedDay {
  return createdDayOf(new Date(startOfCreatedDay(day).getTime() - DAY_MS));
}

/** `newest` and the days before it, down to `oldest` (when given), at most `count` of them. */
export function daysNewestFirst(newest: CreatedDay, oldest: CreatedDay | null, count: number): CreatedDay[] {
  const days: CreatedDay[] = [];
  for (let day = newest; days.length < count && (oldest === null || day >= oldest); day = dayBefore(day)) days.push(day);
  return days;
}
