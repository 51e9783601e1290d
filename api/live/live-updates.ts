import type { Response } from 'express';
import type { Principal } from '../../domain/access-control';
import type { Config } from '../../domain/config';
import type { Logger } from '../../lib/logger';
import { ApiError } from '../api-error';
import { EventStream, type EventStreamTiming } from './event-stream';
import { SharedWatch, type StateListener, type WatchedState } from './shared-watch';

export interface LiveUpdateLimits extends EventStreamTiming {
  /** How often a shared watch reads its subject. */
  pollMs: number;
  /** Open streams one API key (or a dashboard session of it) may hold in this process. */
  streamsPerKey: number;
  /** Open streams of all keys together in this process. */
  streamsTotal: number;
}

/**
 * The API process's live update streams: one shared watch per subject whatever the number of streams
 * following it, and the per-key and total stream limits. Counted per process: behind a load balancer
 * each API process holds its own share.
 */
export class LiveUpdates {
  private readonly watches = new Map<string, SharedWatch<WatchedState>>();
  private readonly streamsByKey = new Map<string, number>();
  private readonly streams = new Set<EventStream>();

  constructor(
    readonly limits: LiveUpdateLimits,
    private readonly logger: Logger,
  ) {}

  get openStreams(): number {
    return this.streams.size;
  }

  get activeWatches(): number {
    return this.watches.size;
  }

  /**
   * Starts an event stream for the principal, or refuses it before any header is sent: 429 past the
   * key's share, 503 when the process holds its maximum. The stream's slot is freed when it closes.
   */
  openStream(principal: Principal, res: Response): EventStream {
    const held = this.streamsByKey.get(principal.keyId) ?? 0;
    if (held >= this.limits.streamsPerKey) {
      throw new ApiError(429, 'TOO_MANY_STREAMS', `This key already holds ${held} open event streams, its limit`, { limit: this.limits.streamsPerKey });
    }
    if (this.streams.size >= this.limits.streamsTotal) {
      res.set('Retry-After', String(Math.ceil(this.limits.retryMs / 1000)));
      throw new ApiError(503, 'STREAMS_EXHAUSTED', 'The API holds as many event streams as it may; retry later');
    }
    const stream = new EventStream(res, this.limits);
    this.streamsByKey.set(principal.keyId, held + 1);
    this.streams.add(stream);
    stream.onClose(() => {
      this.streams.delete(stream);
      const left = (this.streamsByKey.get(principal.keyId) ?? 1) - 1;
      if (left > 0) this.streamsByKey.set(principal.keyId, left);
      else this.streamsByKey.delete(principal.keyId);
    });
    return stream;
  }

  /**
   * Feeds `stream` from the shared watch of `subject` (made with `read` if none runs), until either
   * ends. `read` is only used when this call creates the watch: it must not depend on who asks.
   */
  follow<S extends WatchedState>(subject: string, read: (previous: S | undefined) => Promise<S>, stream: EventStream, listener: StateListener<S>): void {
    let watch = this.watches.get(subject) as SharedWatch<S> | undefined;
    if (!watch) {
      const created = new SharedWatch<S>(read, {
        pollMs: this.limits.pollMs,
        logger: this.logger,
        subject: { subject },
        onIdle: () => {
          if (this.watches.get(subject) === (created as unknown as SharedWatch<WatchedState>)) this.watches.delete(subject);
        },
      });
      this.watches.set(subject, created as unknown as SharedWatch<WatchedState>);
      watch = created;
    }
    const unlisten = watch.listen((state) => {
      if (!stream.isClosed) listener(state);
    });
    // At once if the listener has ended the stream already, from a final state the watch held.
    stream.onClose(unlisten);
  }

  /** Ends every stream (shutdown): clients reconnect, to this process once it is back or to another. */
  close(): void {
    for (const stream of [...this.streams]) stream.close();
  }
}

/** How long a browser's EventSource waits before reconnecting: long enough not to hammer a restarting API. */
const RETRY_MS = 3_000;

export function liveUpdatesFromConfig(config: Config, logger: Logger): LiveUpdates {
  return new LiveUpdates(
    {
      pollMs: config.LIVE_POLL_MS,
      streamsPerKey: config.LIVE_STREAMS_PER_KEY,
      streamsTotal: config.LIVE_STREAMS_TOTAL,
      heartbeatMs: config.LIVE_HEARTBEAT_SEC * 1000,
      maxDurationMs: config.LIVE_STREAM_MAX_SEC * 1000,
      retryMs: RETRY_MS,
    },
    logger,
  );
}
