import type { GateCircuit, LineGateRoom, LineGateStatus, LineWaiter } from './line-gate-types';
import { PRIORITIES, priorityRank, type Priority } from './priority';

/**
 * An Exotel account's live lines, kept in one database document so that a call can take a line in
 * its own first workflow task when the limit is far off, without a message through the line gate
 * workflow. The gate is the waiting room: once anyone waits, every new call queues behind it, so a
 * call that takes the fast path can never overtake a waiting higher-priority one.
 *
 * Every operation here is pure: the store reads the document, applies a batch of operations in
 * order, and writes the result only if nobody else wrote in between (docs/benchmarks.md).
 */
export interface LineBook {
  holders: LineHolder[];
  /** Calls queued in the gate. Kept fresh by the gate; an entry it no longer refreshes expires. */
  waiting: { workflowId: string; expiresAt: number }[];
  /** Dial requests that failed in a row, for the circuit breaker. */
  consecutiveFailures: number;
  /** False while the breaker is open or half-open: every call then queues in the gate. */
  fastPath: boolean;
  /** The call whose failure tripped the breaker: its retried report is told it tripped it again. */
  trippedBy: string | null;
  /** Lines granted, at once or from the gate's queue. */
  grantsTotal: number;
  /** Lines whose lease ran out without a release (a call that was terminated). */
  reclaimedTotal: number;
}

export interface LineHolder {
  workflowId: string;
  priority: Priority;
  grantedAt: number;
  expiresAt: number;
}

export interface LineAsk {
  workflowId: string;
  priority: Priority;
  leaseMs: number;
}

/** How long a waiting entry blocks the fast path without the gate confirming it. */
export const WAITING_ENTRY_TTL_MS = 60_000;

export const EMPTY_LINE_BOOK: LineBook = {
  holders: [],
  waiting: [],
  consecutiveFailures: 0,
  fastPath: true,
  trippedBy: null,
  grantsTotal: 0,
  reclaimedTotal: 0,
};

export type LineBookOp =
  | { kind: 'take'; ask: LineAsk }
  | { kind: 'grantWaiting'; candidates: LineAsk[]; max: number }
  | { kind: 'release'; workflowId: string; dialOk: boolean }
  | { kind: 'dialFailed'; workflowId: string; threshold: number }
  | { kind: 'setFastPath'; open: boolean };

export type LineBookResult =
  | { kind: 'take'; granted: boolean; holdersAfter: number }
  /** `nextExpiryAt`: when the first live lease runs out, so the gate can wake for a line nobody releases. */
  | { kind: 'grantWaiting'; granted: string[]; nextExpiryAt: number | null }
  | { kind: 'release'; someoneWaits: boolean }
  | { kind: 'dialFailed'; tripped: boolean }
  | { kind: 'setFastPath' };

/** Drops holders whose lease ran out (a call that never released) and stale waiting entries. */
export function withoutExpired(book: LineBook, now: number): LineBook {
  const holders = book.holders.filter((h) => h.expiresAt > now);
  return {
    ...book,
    holders,
    waiting: book.waiting.filter((w) => w.expiresAt > now),
    reclaimedTotal: book.reclaimedTotal + book.holders.length - holders.length,
  };
}

export function applyLineBookOps(
  start: LineBook,
  ops: readonly LineBookOp[],
  now: number,
  limit: number,
): { book: LineBook; results: LineBookResult[] } {
  let book: LineBook = withoutExpired(start, now);
  const results = ops.map((op) => {
    const applied = applyOne(book, op, now, limit);
    book = applied.book;
    return applied.result;
  });
  return { book, results };
}

function applyOne(book: LineBook, op: LineBookOp, now: number, limit: number): { book: LineBook; result: LineBookResult } {
  switch (op.kind) {
    case 'take': {
      // A retried request (activity retry, timed-out workflow task) finds its line already held.
      if (book.holders.some((h) => h.workflowId === op.ask.workflowId)) {
        return { book, result: { kind: 'take', granted: true, holdersAfter: book.holders.length } };
      }
      const free = book.fastPath && book.waiting.length === 0 && book.holders.length < limit;
      if (free) {
        const holders = [...book.holders, holderOf(op.ask, now)];
        return { book: { ...book, holders, grantsTotal: book.grantsTotal + 1 }, result: { kind: 'take', granted: true, holdersAfter: holders.length } };
      }
      const waiting = [...book.waiting.filter((w) => w.workflowId !== op.ask.workflowId), { workflowId: op.ask.workflowId, expiresAt: now + WAITING_ENTRY_TTL_MS }];
      return { book: { ...book, waiting }, result: { kind: 'take', granted: false, holdersAfter: book.holders.length } };
    }
    case 'grantWaiting': {
      const granted: string[] = [];
      const holders = [...book.holders];
      for (const candidate of op.candidates) {
        if (granted.length >= op.max || holders.length >= limit) break;
        if (holders.some((h) => h.workflowId === candidate.workflowId)) continue;
        holders.push(holderOf(candidate, now));
        granted.push(candidate.workflowId);
      }
      // The gate's list is the waiting room: its entries are confirmed, the granted ones leave it.
      const stillWaiting = op.candidates.filter((c) => !granted.includes(c.workflowId)).map((c) => c.workflowId);
      const unconfirmed = book.waiting.filter((w) => !op.candidates.some((c) => c.workflowId === w.workflowId));
      const waiting = [...unconfirmed, ...stillWaiting.map((workflowId) => ({ workflowId, expiresAt: now + WAITING_ENTRY_TTL_MS }))];
      const nextExpiryAt = holders.length > 0 ? Math.min(...holders.map((h) => h.expiresAt)) : null;
      return {
        book: { ...book, holders, waiting, grantsTotal: book.grantsTotal + granted.length },
        result: { kind: 'grantWaiting', granted, nextExpiryAt },
      };
    }
    case 'release': {
      const holders = book.holders.filter((h) => h.workflowId !== op.workflowId);
      const waiting = book.waiting.filter((w) => w.workflowId !== op.workflowId);
      const consecutiveFailures = op.dialOk && book.fastPath ? 0 : book.consecutiveFailures;
      return { book: { ...book, holders, waiting, consecutiveFailures }, result: { kind: 'release', someoneWaits: waiting.length > 0 } };
    }
    case 'dialFailed': {
      // A report repeated by a retry (its signal to the gate failed) must trip the breaker again.
      if (!book.fastPath && book.trippedBy === op.workflowId) return { book, result: { kind: 'dialFailed', tripped: true } };
      const consecutiveFailures = book.consecutiveFailures + 1;
      const tripped = book.fastPath && consecutiveFailures >= op.threshold;
      const trippedBy = tripped ? op.workflowId : book.trippedBy;
      return { book: { ...book, consecutiveFailures, fastPath: book.fastPath && !tripped, trippedBy }, result: { kind: 'dialFailed', tripped } };
    }
    case 'setFastPath': {
      // Only a breaker that closes clears the count: a new gate confirming an open fast path must not
      // wipe failures counted before it started.
      const reopens = op.open && !book.fastPath;
      const consecutiveFailures = reopens ? 0 : book.consecutiveFailures;
      return { book: { ...book, fastPath: op.open, consecutiveFailures, trippedBy: op.open ? null : book.trippedBy }, result: { kind: 'setFastPath' } };
    }
  }
}

function holderOf(ask: LineAsk, now: number): LineHolder {
  return { workflowId: ask.workflowId, priority: ask.priority, grantedAt: now, expiresAt: now + ask.leaseMs };
}

/** The gate's serving order: high before medium before low, first come first served within one. */
export function servingOrder<T extends { priority: Priority; seq: number }>(waiting: readonly T[]): T[] {
  return [...waiting].sort((a, b) => priorityRank(a.priority) - priorityRank(b.priority) || a.seq - b.seq);
}

/** What the gate workflow answers about itself: how many wait at each priority, and its breaker. */
export function waitingRoom(waiting: readonly LineWaiter[], circuit: GateCircuit): LineGateRoom {
  const counts = Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
  for (const waiter of waiting) counts[waiter.priority]++;
  const { state, openUntil, opensTotal } = circuit;
  return { waiting: counts, waitingTotal: waiting.length, circuit: { state, openUntil: openUntil === null ? null : new Date(openUntil).toISOString(), opensTotal } };
}

/**
 * The account's lines as the API and the Web UI's operators see them: live lines and the breaker's
 * failure count from the book, the waiting room and the breaker's state from the gate (absent when
 * no call has ever had to wait).
 */
export function lineGateStatus(account: string, stored: LineBook, room: LineGateRoom | undefined, now: number, limit: number): LineGateStatus {
  const book = withoutExpired(stored, now);
  return {
    account,
    limit,
    active: book.holders.map((h) => ({
      workflowId: h.workflowId,
      priority: h.priority,
      grantedAt: new Date(h.grantedAt).toISOString(),
      leaseExpiresAt: new Date(h.expiresAt).toISOString(),
    })),
    waiting: room?.waiting ?? { high: 0, medium: 0, low: 0 },
    waitingTotal: room?.waitingTotal ?? 0,
    grantsTotal: book.grantsTotal,
    reclaimedTotal: book.reclaimedTotal,
    circuit: {
      state: room?.circuit.state ?? (book.fastPath ? 'closed' : 'open'),
      consecutiveFailures: book.consecutiveFailures,
      openUntil: room?.circuit.openUntil ?? null,
      opensTotal: room?.circuit.opensTotal ?? 0,
    },
  };
}
