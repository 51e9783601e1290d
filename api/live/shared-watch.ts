import type { Logger } from '../../lib/logger';

/** What a watch reads: its subject's state, and whether that state is final (the subject finished). */
export interface WatchedState {
  finished: boolean;
}

export type StateListener<S> = (state: S) => void;

/**
 * One reader of one subject (a call, a campaign) for every stream that follows it: it reads every
 * `pollMs` while anyone listens, hands each state to all listeners, and stops when the subject has
 * finished or the last listener has gone. A failed read is logged and tried again at the next tick;
 * listeners keep the last good state meanwhile.
 */
export class SharedWatch<S extends WatchedState> {
  private readonly listeners = new Set<StateListener<S>>();
  private latest: S | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private reading = false;

  constructor(
    private readonly read: (previous: S | undefined) => Promise<S>,
    private readonly options: { pollMs: number; logger: Logger; subject: Record<string, string>; onIdle: () => void },
  ) {}

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** The listener gets the latest state at once when there is one, then every new one; returns its removal. */
  listen(listener: StateListener<S>): () => void {
    this.listeners.add(listener);
    if (this.latest) listener(this.latest);
    if (!this.reading && !this.timer && !this.latest?.finished) void this.tick();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.options.onIdle();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    this.reading = true;
    try {
      const state = await this.read(this.latest);
      if (this.stopped) return;
      this.latest = state;
      for (const listener of [...this.listeners]) listener(state);
    } catch (err) {
      this.options.logger.warn({ err, ...this.options.subject }, 'live update read failed; trying again');
    } finally {
      this.reading = false;
    }
    if (!this.stopped && !this.latest?.finished) this.timer = setTimeout(() => void this.tick(), this.options.pollMs);
  }
}
