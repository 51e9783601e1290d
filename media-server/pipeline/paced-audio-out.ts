import { chunkMs } from './pcm-frames';

/** Where paced audio goes: the Exotel socket. */
export interface AudioSink {
  sendMedia(chunk: Buffer): void;
  sendMark(name: string): void;
  sendClear(): void;
}

type Item = { kind: 'chunk'; data: Buffer; onSent?: () => void } | { kind: 'mark'; name: string };

/**
 * Sends bot audio at real time with a small lead, instead of as fast as it is made: Exotel plays what
 * it has queued, and a multi-second blob both truncates playback on Connect calls (DESIGN 7.1) and
 * makes `clear` throw away speech the caller never heard. The lead is one chunk plus slack, enough
 * that the line never runs dry between two sends; so at most about three chunks are in Exotel's
 * buffer when the caller interrupts. Marks go out right after the audio they follow.
 *
 * The slack covers a late timer: 100 calls ending in the same second stalled the event loop by
 * 270–400 ms, and with 100 ms of slack the media bench heard 0–8 gaps per 100-call run; with 200 ms,
 * none. Network jitter on the way to Exotel asks for the same margin.
 */
const TIMER_SLACK_MS = 200;

export class PacedAudioOut {
  private queue: Item[] = [];
  /** Wall time at which everything sent so far will have played. */
  private playedUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly chunkMs: number;
  private readonly leadMs: number;

  constructor(
    private readonly sink: AudioSink,
    sampleRate: number,
    private readonly now: () => number = Date.now,
  ) {
    this.chunkMs = chunkMs(sampleRate);
    this.leadMs = this.chunkMs + TIMER_SLACK_MS;
  }

  /** Queues one chunk; `onSent` runs when it leaves for Exotel. */
  enqueueChunk(data: Buffer, onSent?: () => void): void {
    this.queue.push({ kind: 'chunk', data, onSent });
    this.pump();
  }

  enqueueMark(name: string): void {
    this.queue.push({ kind: 'mark', name });
    this.pump();
  }

  /** Drops everything not yet sent and tells Exotel to drop what it has not played. */
  clear(): void {
    const unplayed = this.queue.some((item) => item.kind === 'chunk') || this.playedUntil > this.now();
    this.queue = [];
    this.playedUntil = this.now();
    this.cancelTimer();
    if (unplayed) this.sink.sendClear();
  }

  close(): void {
    this.closed = true;
    this.queue = [];
    this.cancelTimer();
  }

  private pump(): void {
    if (this.timer || this.closed) return;
    while (this.queue.length > 0) {
      const head = this.queue[0];
      if (head.kind === 'mark') {
        this.queue.shift();
        this.sink.sendMark(head.name);
        continue;
      }
      const now = this.now();
      const ahead = this.playedUntil - now;
      if (ahead > this.leadMs) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, ahead - this.leadMs);
        return;
      }
      this.queue.shift();
      this.playedUntil = Math.max(now, this.playedUntil) + this.chunkMs;
      this.sink.sendMedia(head.data);
      head.onSent?.();
    }
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
