import { pickWarm, planPool, type DiscardReason, type PooledConnectionView } from '../../domain/connection-pool-policy';
import type { Logger } from '../../lib/logger';

/** A provider connection as the pool sees it. */
export interface WarmConnection {
  /** Open and usable: checked again at the moment a call takes it. */
  readonly alive: boolean;
  close(): void;
}

interface Entry<T> extends PooledConnectionView {
  connection?: T;
}

export interface WarmPoolFigures {
  size: number;
  ready: number;
  opening: number;
  opened: number;
  openFailures: number;
  hits: number;
  misses: number;
  hitRate: number | null;
  discarded: Record<DiscardReason | 'stopped', number>;
}

/**
 * Connections of one kind opened ahead of calls (the decisions are domain/connection-pool-policy.ts).
 * `take` never waits: a call gets a ready connection or nothing and opens its own.
 */
export class WarmPool<T extends WarmConnection> {
  private readonly entries = new Map<number, Entry<T>>();
  private nextId = 1;
  private size = 0;
  private refreshIntervalMs = 60_000;
  private readonly figures = { opened: 0, openFailures: 0, hits: 0, misses: 0, discarded: { dead: 0, expired: 0, surplus: 0, stopped: 0 } };

  constructor(
    private readonly kind: string,
    private readonly openConnection: () => Promise<T>,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Opens, keeps and replaces connections to hold `size` of them; 0 closes the ready ones. */
  maintain(size: number, refreshIntervalMs: number): void {
    this.size = size;
    this.refreshIntervalMs = refreshIntervalMs;
    this.markDead();
    const plan = planPool([...this.entries.values()], size, refreshIntervalMs, this.now());
    for (const { id, reason } of plan.discard) this.discard(id, reason);
    for (let i = 0; i < plan.open; i += 1) this.openOne();
  }

  /** A ready connection for a call, or undefined: never a dead one, and never a wait. */
  take(): T | undefined {
    this.markDead();
    const id = pickWarm([...this.entries.values()], this.refreshIntervalMs, this.now());
    const entry = id === undefined ? undefined : this.entries.get(id);
    if (!entry?.connection) {
      this.figures.misses += 1;
      return undefined;
    }
    this.entries.delete(entry.id);
    this.figures.hits += 1;
    return entry.connection;
  }

  /** Closes every ready connection; those still opening are closed as they open. */
  stop(): void {
    this.size = 0;
    for (const entry of [...this.entries.values()]) {
      if (entry.state === 'opening') continue;
      this.discard(entry.id, 'stopped');
    }
  }

  status(): WarmPoolFigures {
    let ready = 0;
    let opening = 0;
    for (const entry of this.entries.values()) {
      if (entry.state === 'ready' && entry.connection?.alive) ready += 1;
      else if (entry.state === 'opening') opening += 1;
    }
    const asked = this.figures.hits + this.figures.misses;
    return {
      size: this.size,
      ready,
      opening,
      ...this.figures,
      discarded: { ...this.figures.discarded },
      hitRate: asked === 0 ? null : this.figures.hits / asked,
    };
  }

  private markDead(): void {
    for (const entry of this.entries.values()) {
      if (entry.state === 'ready' && !entry.connection?.alive) entry.state = 'dead';
    }
  }

  private openOne(): void {
    const entry: Entry<T> = { id: this.nextId++, state: 'opening', since: this.now() };
    this.entries.set(entry.id, entry);
    this.openConnection().then(
      (connection) => {
        // Stopped, or made smaller, while it opened: there is no place for it.
        if (!this.entries.has(entry.id) || this.readyCount() >= this.size) {
          this.entries.delete(entry.id);
          connection.close();
          this.figures.discarded.stopped += 1;
          return;
        }
        this.figures.opened += 1;
        Object.assign(entry, { state: 'ready', since: this.now(), connection });
      },
      (err: unknown) => {
        this.entries.delete(entry.id);
        this.figures.openFailures += 1;
        this.logger.warn({ err, kind: this.kind }, 'a pooled provider connection could not be opened');
      },
    );
  }

  private readyCount(): number {
    let ready = 0;
    for (const entry of this.entries.values()) if (entry.state === 'ready') ready += 1;
    return ready;
  }

  private discard(id: number, reason: DiscardReason | 'stopped'): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    entry.connection?.close();
    this.figures.discarded[reason] += 1;
    this.logger.debug({ kind: this.kind, reason }, 'pooled provider connection discarded');
  }
}
