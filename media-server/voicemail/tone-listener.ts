import { FRAME_MS, measureFrameTonality, type FrameTonality } from '../../domain/voicemail/frame-tonality';
import { INITIAL_TONE_STATE, trackTone, type ToneTrackerState } from '../../domain/voicemail/tone-tracker';
import { PcmFramer } from './pcm-framer';

/**
 * Measures each 20 ms frame of the caller's audio over the latest 40 ms (WINDOW_MS: this frame and
 * the one before it, when they are contiguous; after a gap in the audio, this frame alone) and follows
 * the tones it hears.
 */
export class ToneListener {
  private previous: { samples: Float32Array; endMs: number } | null = null;
  private state: ToneTrackerState = INITIAL_TONE_STATE;

  constructor(private readonly sampleRate: number) {}

  get tones(): ToneTrackerState {
    return this.state;
  }

  /** One frame, starting at `startMs`; returns its measurement. */
  hear(startMs: number, samples: Float32Array): FrameTonality {
    const previous = this.previous;
    const window = previous && Math.abs(previous.endMs - startMs) < 1 ? joined(previous.samples, samples) : samples;
    this.previous = { samples, endMs: startMs + FRAME_MS };
    const tonality = measureFrameTonality(window, this.sampleRate);
    this.state = trackTone(this.state, startMs, tonality);
    return tonality;
  }
}

/** Every tone of a whole recording (16-bit PCM), judged to the end: a tone at its very end is given the silence it needs to be judged. */
export function scanTones(pcm: Buffer, sampleRate: number): ToneTrackerState {
  const listener = new ToneListener(sampleRate);
  const framer = new PcmFramer(sampleRate);
  const frames = framer.push(pcm, 0);
  for (const frame of frames) listener.hear(frame.startMs, frame.samples);
  const quiet = new Float32Array((sampleRate * FRAME_MS) / 1000);
  let atMs = frames.length * FRAME_MS;
  for (let i = 0; i < 1000 / FRAME_MS; i += 1, atMs += FRAME_MS) listener.hear(atMs, quiet);
  return listener.tones;
}

function joined(first: Float32Array, second: Float32Array): Float32Array {
  const window = new Float32Array(first.length + second.length);
  window.set(first, 0);
  window.set(second, first.length);
  return window;
}
