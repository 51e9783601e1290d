/** Counts by key; keys never seen are absent rather than zero, as in the stats endpoint. */
export type Tally = Record<string, number>;

export function addTo(tally: Tally, key: string, count: number): void {
  tally[key] = (tally[key] ?? 0) + count;
}
