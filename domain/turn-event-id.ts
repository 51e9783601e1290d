/**
 * A transcript turn's place in a call: attempts run one after the other and the media server numbers
 * each attempt's turns from 1, so (attempt, turn) orders every turn of a call in the order it was
 * spoken. A call's event stream uses it as the SSE event id, and a reconnecting client's
 * `Last-Event-ID` says which turns it already has.
 */
export interface TurnPosition {
  attempt: number;
  turn: number;
}

/** `<attempt>.<turn>`, e.g. `2.7`. */
export function turnEventId(position: TurnPosition): string {
  return `${position.attempt}.${position.turn}`;
}

/** The position a `Last-Event-ID` names; null for an absent or malformed one (the client then gets every turn). */
export function parseTurnEventId(text: string | undefined): TurnPosition | null {
  const match = /^([1-9][0-9]{0,8})\.([1-9][0-9]{0,8})$/.exec(text?.trim() ?? '');
  return match ? { attempt: Number(match[1]), turn: Number(match[2]) } : null;
}

export function compareTurnPositions(a: TurnPosition, b: TurnPosition): number {
  return a.attempt - b.attempt || a.turn - b.turn;
}

/** The turns after `cursor` (all of them when it is null), in spoken order. */
export function turnsAfter<T extends TurnPosition>(turns: readonly T[], cursor: TurnPosition | null): T[] {
  const later = cursor ? turns.filter((turn) => compareTurnPositions(turn, cursor) > 0) : [...turns];
  return later.sort(compareTurnPositions);
}
