/** Synthetic test signals for voicemail detection, as floats in [-1, 1) at 8 kHz unless told. */
export const RATE = 8000;

export function sine(hz: number, ms: number, amplitude = 0.5, rate = RATE): Float32Array {
  const out = new Float32Array(Math.round((ms * rate) / 1000));
  for (let i = 0; i < out.length; i += 1) out[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / rate + 0.3);
  return out;
}

/** A voiced vowel: harmonics of `f0Hz` shaped by formants; `formantsHz` get the energy. */
export function vowel(f0Hz: number, formantsHz: number[], ms: number, amplitude = 0.5): Float32Array {
  const out = new Float32Array(Math.round((ms * RATE) / 1000));
  for (let harmonic = 1; harmonic * f0Hz < RATE / 2; harmonic += 1) {
    const hz = harmonic * f0Hz;
    // Glottal source falls 12 dB per octave; each formant lifts the harmonics near it (bandwidth ~100 Hz).
    const source = 1 / (harmonic * harmonic);
    const lift = formantsHz.reduce((sum, formant) => sum + 1 / (1 + ((hz - formant) / 100) ** 2), 0.05);
    for (let i = 0; i < out.length; i += 1) out[i] += source * lift * Math.sin((2 * Math.PI * hz * i) / RATE + harmonic);
  }
  const peak = out.reduce((max, x) => Math.max(max, Math.abs(x)), 0);
  return out.map((x) => (x / peak) * amplitude);
}

/** Uniform white noise from a fixed-seed generator, so every run sees the same samples. */
export function noise(ms: number, amplitude: number, seed = 7): Float32Array {
  const out = new Float32Array(Math.round((ms * RATE) / 1000));
  let state = seed;
  for (let i = 0; i < out.length; i += 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out[i] = amplitude * ((state / 2147483648) * 2 - 1);
  }
  return out;
}

export function silence(ms: number): Float32Array {
  return new Float32Array(Math.round((ms * RATE) / 1000));
}

export function add(...signals: Float32Array[]): Float32Array {
  const out = new Float32Array(Math.max(...signals.map((signal) => signal.length)));
  for (const signal of signals) signal.forEach((x, i) => (out[i] += x));
  return out;
}

export function concat(...signals: Float32Array[]): Float32Array {
  const out = new Float32Array(signals.reduce((sum, signal) => sum + signal.length, 0));
  let offset = 0;
  for (const signal of signals) {
    out.set(signal, offset);
    offset += signal.length;
  }
  return out;
}

/** The 20 ms frames of a signal. */
export function frames(signal: Float32Array, rate = RATE): Float32Array[] {
  const size = (rate * 20) / 1000;
  const out: Float32Array[] = [];
  for (let start = 0; start + size <= signal.length; start += size) out.push(signal.subarray(start, start + size));
  return out;
}

/** 16-bit little-endian PCM, as the media stream carries it. */
export function toPcm(signal: Float32Array): Buffer {
  const pcm = Buffer.alloc(signal.length * 2);
  signal.forEach((x, i) => pcm.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(x * 32768))), i * 2));
  return pcm;
}
