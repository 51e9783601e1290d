import { applyLineBookOps, EMPTY_LINE_BOOK, type LineBook, type LineBookOp, type LineBookResult } from '../domain/line-book';
import { LineBookRecord } from './models/line-book';
import { isTransientWriteError } from './transient-write-error';

interface PendingOp {
  op: LineBookOp;
  resolve: (result: LineBookResult) => void;
  reject: (err: unknown) => void;
}

/** Gives up on a write that keeps losing races; the caller's activity retry takes it from there. */
const MAX_ROUNDS = 50;

/**
 * Applies line-book operations for one process. Operations that arrive while a write is under way
 * go together into the next one (one read and one conditional write for a whole burst of calls), so
 * a backlog costs the database a few writes per batch, not per call, and writers in other processes
 * collide only batch against batch.
 */
export class LineBookStore {
  private readonly pending = new Map<string, PendingOp[]>();
  private readonly flushing = new Set<string>();

  constructor(private readonly limit: () => number) {}

  apply<K extends LineBookOp['kind']>(account: string, op: Extract<LineBookOp, { kind: K }>): Promise<Extract<LineBookResult, { kind: K }>> {
    return new Promise<LineBookResult>((resolve, reject) => {
      const queue = this.pending.get(account) ?? [];
      queue.push({ op, resolve, reject });
      this.pending.set(account, queue);
      if (!this.flushing.has(account)) void this.flush(account);
    }) as Promise<Extract<LineBookResult, { kind: K }>>;
  }

  private async flush(account: string): Promise<void> {
    this.flushing.add(account);
    try {
      for (;;) {
        const batch = this.pending.get(account) ?? [];
        if (batch.length === 0) return;
        this.pending.set(account, []);
        try {
          const results = await writeBatch(account, batch.map((p) => p.op), this.limit());
          batch.forEach((p, i) => p.resolve(results[i]));
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.flushing.delete(account);
    }
  }
}

async function writeBatch(account: string, ops: LineBookOp[], limit: number): Promise<LineBookResult[]> {
  for (let round = 1; ; round++) {
    const found = await LineBookRecord.findById(account).lean();
    const { book, results } = applyLineBookOps(found ? toBook(found) : EMPTY_LINE_BOOK, ops, Date.now(), limit);
    try {
      if (found) {
        const written = await LineBookRecord.updateOne({ _id: account, version: found.version }, { $set: { ...book, version: found.version + 1 } });
        if (written.matchedCount === 1) return results;
      } else {
        await LineBookRecord.create({ _id: account, version: 1, ...book });
        return results;
      }
    } catch (err) {
      // A duplicate key: another process created the document first. Read it and go again.
      if ((err as { code?: number }).code !== 11000 && !isTransientWriteError(err)) throw err;
    }
    if (round >= MAX_ROUNDS) throw new Error(`line book of ${account}: ${MAX_ROUNDS} writes in a row lost the race`);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * Math.min(round, 10)));
  }
}

export async function readLineBook(account: string): Promise<LineBook> {
  const found = await LineBookRecord.findById(account).lean();
  return found ? toBook(found) : EMPTY_LINE_BOOK;
}

function toBook(doc: Omit<LineBook, 'holders' | 'waiting' | 'trippedBy'> & { holders?: unknown; waiting?: unknown; trippedBy?: string | null }): LineBook {
  return {
    holders: (doc.holders ?? []) as LineBook['holders'],
    waiting: (doc.waiting ?? []) as LineBook['waiting'],
    consecutiveFailures: doc.consecutiveFailures,
    fastPath: doc.fastPath,
    trippedBy: doc.trippedBy ?? null,
    grantsTotal: doc.grantsTotal,
    reclaimedTotal: doc.reclaimedTotal,
  };
}
