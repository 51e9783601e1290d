import { FRAME_MS } from '../../domain/voicemail/frame-tonality';

export interface PcmFrame {
  /** Stream time of the frame's first sample. */
  startMs: number;
  /** FRAME_MS of audio as floats in [-1, 1). */
  samples: Float32Array;
}

/**
 * Cuts the caller's audio, which arrives in chunks of any size (Exotel: about 100 ms), into the 20 ms
 * frames every voicemail measurement works on, keeping each frame's place on the stream's timeline.
 */
export class PcmFramer {
  private readonly frame: Float32Array;
  private filled = 0;
  private frameStartMs = 0;
  /** Where the next sample belongs on the timeline, if audio is continuous. */
  private expectedMs: number | undefined;

  constructor(private readonly sampleRate: number) {
    this.frame = new Float32Array((sampleRate * FRAME_MS) / 1000);
  }

  /** `atMs` is the stream time of the chunk's first sample (Exotel's `media.timestamp`). */
  push(pcm: Buffer, atMs: number): PcmFrame[] {
    // Audio went missing (or arrived out of place): a frame spanning the gap would measure nothing real.
    if (this.expectedMs !== undefined && Math.abs(atMs - this.expectedMs) > FRAME_MS / 2) this.filled = 0;
    const msPerSample = 1000 / this.sampleRate;
    // A chunk is whole 16-bit samples; a stray odd byte is dropped rather than shifting every later sample.
    const samples = Math.floor(pcm.length / 2);
    const frames: PcmFrame[] = [];
    for (let i = 0; i < samples; i += 1) {
      if (this.filled === 0) this.frameStartMs = atMs + i * msPerSample;
      this.frame[this.filled] = pcm.readInt16LE(i * 2) / 32768;
      this.filled += 1;
      if (this.filled === this.frame.length) {
        frames.push({ startMs: this.frameStartMs, samples: this.frame.slice() });
        this.filled = 0;
      }
    }
    this.expectedMs = atMs + samples * msPerSample;
    return frames;
  }
}
