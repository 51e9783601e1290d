import { TimerSet } from '../shared/timer-set';

/** Timer jitter below this is not heard as a gap. */
const UNDERRUN_TOLERANCE_MS = 20;

interface QueuedAudio {
  bytes: number;
  startsAt: number;
  endsAt: number;
}

/**
 * The customer's loudspeaker: bot audio "plays" at real time, one byte after the other, and nothing
 * is really played. It answers the three questions the protocol cares about: how much has played by
 * now, when a mark's audio has finished (the mark is echoed then, not earlier), and what `clear`
 * throws away (everything not yet played, and every mark still waiting).
 */
export class BotAudioPlayback {
  private readonly timers = new TimerSet();
  private readonly markTimers = new Set<NodeJS.Timeout>();
  private queue: QueuedAudio[] = [];
  private playedBeforeQueue = 0;
  private queueEndsAt = 0;
  bytesReceived = 0;
  bytesCleared = 0;
  /** When the bot's first audio arrived (epoch ms): the greeting's time to first frame. */
  firstAudioAt: number | undefined;
  /**
   * Underruns: the loudspeaker ran dry in the middle of an utterance (audio came after the previous
   * audio had finished playing, with no mark in between). Each one is a gap the callee hears.
   */
  underruns = 0;
  underrunMs = 0;
  private markSinceAudio = true;

  constructor(
    private readonly bytesPerSecond: number,
    private readonly onMarkPlayed: (name: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  enqueue(bytes: number): void {
    const now = this.now();
    this.settle(now);
    this.firstAudioAt ??= now;
    const gap = now - this.queueEndsAt;
    if (!this.markSinceAudio && gap > UNDERRUN_TOLERANCE_MS) {
      this.underruns += 1;
      this.underrunMs += gap;
    }
    this.markSinceAudio = false;
    const startsAt = Math.max(now, this.queueEndsAt);
    const endsAt = startsAt + (bytes / this.bytesPerSecond) * 1000;
    this.queue.push({ bytes, startsAt, endsAt });
    this.queueEndsAt = endsAt;
    this.bytesReceived += bytes;
  }

  /** Echoes the mark once everything queued before it has played (at once if nothing is queued). */
  mark(name: string): void {
    this.markSinceAudio = true;
    const wait = this.queueEndsAt - this.now();
    if (wait <= 0) {
      this.onMarkPlayed(name);
      return;
    }
    const timer = this.timers.after(wait, () => {
      this.markTimers.delete(timer);
      this.onMarkPlayed(name);
    });
    this.markTimers.add(timer);
  }

  /** Drops unplayed audio and forgets pending marks (what Exotel does with them is undocumented). */
  clear(): void {
    // After a clear the bot starts a new utterance; the silence before it is not an underrun.
    this.markSinceAudio = true;
    const now = this.now();
    this.settle(now);
    const playing = this.queue[0];
    if (playing) {
      const played = this.playedOf(playing, now);
      this.playedBeforeQueue += played;
      this.bytesCleared += playing.bytes - played;
      for (const later of this.queue.slice(1)) this.bytesCleared += later.bytes;
    }
    this.queue = [];
    this.queueEndsAt = now;
    for (const timer of this.markTimers) this.timers.cancel(timer);
    this.markTimers.clear();
  }

  bytesPlayed(): number {
    const now = this.now();
    this.settle(now);
    return this.playedBeforeQueue + this.queue.reduce((sum, audio) => sum + this.playedOf(audio, now), 0);
  }

  /** Milliseconds of audio still waiting to play. */
  queuedMs(): number {
    return Math.max(0, this.queueEndsAt - this.now());
  }

  close(): void {
    this.timers.clearAll();
    this.markTimers.clear();
  }

  /** Moves fully played audio out of the queue. */
  private settle(now: number): void {
    while (this.queue.length > 0 && this.queue[0].endsAt <= now) {
      this.playedBeforeQueue += (this.queue.shift() as QueuedAudio).bytes;
    }
  }

  private playedOf(audio: QueuedAudio, now: number): number {
    if (now <= audio.startsAt) return 0;
    if (now >= audio.endsAt) return audio.bytes;
    return Math.floor((audio.bytes * (now - audio.startsAt)) / (audio.endsAt - audio.startsAt));
  }
}
