import { isPureTone } from './pure-tone';

/** One 20 ms frame of incoming audio, timed from the start of the stream. */
export interface AudioFrame {
  startMs: number;
  endMs: number;
  /** Loud enough to be speech, and not a pure tone. */
  voiced: boolean;
}

const FRAME_MS = 20;

/**
 * Cuts a stream of 16-bit little-endian mono PCM into 20 ms frames and marks each voiced when its
 * RMS level reaches the threshold and it is not a pure tone (a beep is not speech). Sends may split
 * samples and frames anywhere, so the remainder of each send waits for the next one.
 */
export class EnergyFrames {
  private readonly frameBytes: number;
  private readonly thresholdRms: number;
  private pending = Buffer.alloc(0);
  private framesDone = 0;
  private bytesReceived = 0;

  constructor(private readonly sampleRate: number, thresholdDbfs: number) {
    this.frameBytes = Math.max(2, Math.round((sampleRate * FRAME_MS) / 1000) * 2);
    this.thresholdRms = 32768 * 10 ** (thresholdDbfs / 20);
  }

  /** Audio received so far, in milliseconds (whole frames and the partial one). */
  get receivedMs(): number {
    return (this.bytesReceived / 2 / this.sampleRate) * 1000;
  }

  push(chunk: Buffer): AudioFrame[] {
    this.bytesReceived += chunk.length;
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: AudioFrame[] = [];
    let offset = 0;
    for (; offset + this.frameBytes <= data.length; offset += this.frameBytes) {
      const startMs = this.framesDone * FRAME_MS;
      this.framesDone += 1;
      const loud = rms(data, offset, this.frameBytes) >= this.thresholdRms;
      frames.push({ startMs, endMs: startMs + FRAME_MS, voiced: loud && !isPureTone(data, offset, this.frameBytes / 2, this.sampleRate) });
    }
    this.pending = Buffer.from(data.subarray(offset));
    return frames;
  }
}

function rms(data: Buffer, offset: number, length: number): number {
  let sum = 0;
  const samples = length / 2;
  for (let i = 0; i < samples; i += 1) {
    const sample = data.readInt16LE(offset + i * 2);
    sum += sample * sample;
  }
  return Math.sqrt(sum / samples);
}
