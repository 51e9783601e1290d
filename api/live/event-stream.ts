import type { Response } from 'express';

/** One server-sent event; `data` goes out as one line of JSON. */
export interface ServerSentEvent {
  event: string;
  data: unknown;
  id?: string;
}

/** The wire form of an event (text/event-stream): `id:`, `event:`, `data:` lines and a blank line. */
export function formatServerSentEvent({ event, data, id }: ServerSentEvent): string {
  // JSON.stringify escapes line breaks inside strings, so the data is always a single line.
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export interface EventStreamTiming {
  /** Sent first as `retry:`: how long a browser's EventSource waits before reconnecting. */
  retryMs: number;
  /** A comment line this often keeps proxies and load balancers from closing an idle stream. */
  heartbeatMs: number;
  /** The stream ends (without a final event) after this long; the client reconnects and is authenticated again. */
  maxDurationMs: number;
}

/**
 * A text/event-stream answer. `onClose` runs once, whichever side ends the stream. A client that stops
 * reading is cut off once the unsent backlog passes `MAX_BACKLOG_BYTES`, so a stalled reader cannot
 * hold the API's memory.
 */
export class EventStream {
  static readonly MAX_BACKLOG_BYTES = 1024 * 1024;
  private closed = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly closeHandlers: (() => void)[] = [];

  constructor(
    private readonly res: Response,
    timing: EventStreamTiming,
  ) {
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // nginx buffers proxied answers unless told not to; a buffered stream is no stream.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write(`retry: ${timing.retryMs}\n\n`);
    res.on('close', () => this.close());
    this.timers.push(setInterval(() => this.write(': heartbeat\n\n'), timing.heartbeatMs));
    this.timers.push(setTimeout(() => this.close(), timing.maxDurationMs));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(event: ServerSentEvent): void {
    this.write(formatServerSentEvent(event));
  }

  onClose(handler: () => void): void {
    if (this.closed) handler();
    else this.closeHandlers.push(handler);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    if (!this.res.writableEnded) this.res.end();
    for (const handler of this.closeHandlers.splice(0)) handler();
  }

  private write(text: string): void {
    if (this.closed) return;
    if (this.res.writableLength > EventStream.MAX_BACKLOG_BYTES) {
      this.res.destroy();
      this.close();
      return;
    }
    this.res.write(text);
  }
}
