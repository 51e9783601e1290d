/**
 * Maps a point of the caller's audio stream (milliseconds since its first sample) to the wall-clock
 * time that audio reached us. Exotel streams at real time, so "the caller's last word ended at 4.2 s
 * of audio" becomes "…and we had that audio at 12:00:05.310", which is where voice-to-voice latency
 * starts. A chunk's last sample is taken to arrive with the chunk.
 */
const KEEP_CHUNKS = 1200;

interface ChunkArrival {
  endMs: number;
  arrivedAt: number;
}

export class InboundAudioClock {
  private readonly arrivals: ChunkArrival[] = [];
  private totalMs = 0;

  constructor(private readonly sampleRate: number) {}

  /** Milliseconds of caller audio received so far. */
  get offsetMs(): number {
    return this.totalMs;
  }

  push(bytes: number, arrivedAt: number): void {
    this.totalMs += (bytes / 2 / this.sampleRate) * 1000;
    this.arrivals.push({ endMs: this.totalMs, arrivedAt });
    if (this.arrivals.length > KEEP_CHUNKS) this.arrivals.splice(0, this.arrivals.length - KEEP_CHUNKS);
  }

  /** When the audio at `offsetMs` reached us; undefined if it is older than what is kept or not yet here. */
  wallTimeAt(offsetMs: number): number | undefined {
    for (let i = this.arrivals.length - 1; i >= 0; i -= 1) {
      const chunk = this.arrivals[i];
      const previousEnd = i > 0 ? this.arrivals[i - 1].endMs : 0;
      if (offsetMs >= previousEnd && offsetMs <= chunk.endMs) return chunk.arrivedAt - (chunk.endMs - offsetMs);
      if (offsetMs > chunk.endMs) return undefined;
    }
    return undefined;
  }
}
