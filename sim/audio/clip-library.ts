import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Clips are stored as made: 8 kHz, 16-bit signed little-endian mono raw PCM. */
export const CLIP_SAMPLE_RATE = 8000;
const CLIP_DIR = path.join(__dirname, 'clips');

const cache = new Map<string, Int16Array>();

/**
 * A clip's samples at `sampleRate`, read once per process. Streams at 16 or 24 kHz get the 8 kHz clip
 * resampled by linear interpolation: the band stays telephone-narrow, as it would on a real call.
 */
export function loadClip(name: string, sampleRate: number): Int16Array {
  const key = `${name}@${sampleRate}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const bytes = readFileSync(path.join(CLIP_DIR, `${name}.raw`));
  const original = new Int16Array(Math.floor(bytes.length / 2));
  for (let i = 0; i < original.length; i += 1) original[i] = bytes.readInt16LE(i * 2);
  const samples = sampleRate === CLIP_SAMPLE_RATE ? original : resample(original, CLIP_SAMPLE_RATE, sampleRate);
  cache.set(key, samples);
  return samples;
}

function resample(input: Int16Array, fromRate: number, toRate: number): Int16Array {
  const output = new Int16Array(Math.round((input.length * toRate) / fromRate));
  for (let i = 0; i < output.length; i += 1) {
    const position = (i * fromRate) / toRate;
    const before = Math.floor(position);
    const after = Math.min(before + 1, input.length - 1);
    const fraction = position - before;
    output[i] = Math.round(input[before] * (1 - fraction) + input[after] * fraction);
  }
  return output;
}
