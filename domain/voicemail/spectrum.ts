/**
 * Power spectrum of a block of samples (floats in [-1, 1)), for the voicemail tone analysis: a Hann
 * window, zero padding to a power of two at least twice the block (so a peak's position is read to a
 * fraction of the window's resolution), and an iterative radix-2 FFT. Pure and allocation-light: a
 * 40 ms frame at 8 kHz costs one 1,024-point transform.
 */
export interface PowerSpectrum {
  /** |X(k)|² for k = 0 … size/2, scaled so that their sum over all bins equals the windowed block's energy. */
  power: Float64Array;
  /** Width of one bin in Hz. */
  binHz: number;
}

export function powerSpectrum(samples: Float32Array, sampleRate: number): PowerSpectrum {
  let size = 1;
  while (size < samples.length * 2) size *= 2;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  let windowedEnergy = 0;
  for (let i = 0; i < samples.length; i += 1) {
    const value = samples[i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / samples.length));
    re[i] = value;
    windowedEnergy += value * value;
  }
  fft(re, im);
  const half = size / 2;
  const power = new Float64Array(half + 1);
  let total = 0;
  for (let k = 0; k <= half; k += 1) {
    // Bins other than DC and Nyquist stand for their negative-frequency twin too.
    const weight = k === 0 || k === half ? 1 : 2;
    power[k] = weight * (re[k] * re[k] + im[k] * im[k]);
    total += power[k];
  }
  // Parseval: Σ|X|² = size · Σx²; scaled to the block's own energy so that shares read directly.
  if (total > 0) for (let k = 0; k <= half; k += 1) power[k] *= windowedEnergy / total;
  return { power, binHz: sampleRate / size };
}

/** Bit-reversal order and twiddle factors per transform size, computed once: every frame uses the same size. */
interface FftPlan {
  reversed: Uint32Array;
  cos: Float64Array;
  sin: Float64Array;
}
const plans = new Map<number, FftPlan>();

function planFor(n: number): FftPlan {
  let plan = plans.get(n);
  if (plan) return plan;
  const reversed = new Uint32Array(n);
  for (let i = 1, j = 0; i < n; i += 1) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    reversed[i] = j;
  }
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let k = 0; k < n / 2; k += 1) {
    cos[k] = Math.cos((-2 * Math.PI * k) / n);
    sin[k] = Math.sin((-2 * Math.PI * k) / n);
  }
  plan = { reversed, cos, sin };
  plans.set(n, plan);
  return plan;
}

function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  const { reversed, cos, sin } = planFor(n);
  for (let i = 1; i < n; i += 1) {
    const j = reversed[i];
    if (i < j) {
      const r = re[i];
      re[i] = re[j];
      re[j] = r;
      const m = im[i];
      im[i] = im[j];
      im[j] = m;
    }
  }
  for (let length = 2; length <= n; length <<= 1) {
    const half = length >> 1;
    const stride = n / length;
    for (let start = 0; start < n; start += length) {
      for (let k = 0; k < half; k += 1) {
        const a = start + k;
        const b = a + half;
        const wRe = cos[k * stride];
        const wIm = sin[k * stride];
        const tRe = re[b] * wRe - im[b] * wIm;
        const tIm = re[b] * wIm + im[b] * wRe;
        re[b] = re[a] - tRe;
        im[b] = im[a] - tIm;
        re[a] += tRe;
        im[a] += tIm;
      }
    }
  }
}

/** Σx² of a block. */
export function blockEnergy(samples: Float32Array): number {
  let energy = 0;
  for (let i = 0; i < samples.length; i += 1) energy += samples[i] * samples[i];
  return energy;
}
