/**
 * Goertzel's algorithm: the power of one frequency in a block of samples, at the cost of one
 * multiply-add per sample, which is why beep detectors use it instead of a full FFT.
 *
 * The result is scaled to be comparable with the block's energy (Σx²): a sinusoid that fills the
 * block at exactly `frequencyHz`, on a whole number of cycles, gives its full energy; a frequency
 * half a bin (fs / 2N) away gives about 40 % of it. Samples are floats in [-1, 1).
 */
export function goertzelPower(samples: Float32Array, sampleRate: number, frequencyHz: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequencyHz) / sampleRate);
  let previous = 0;
  let beforePrevious = 0;
  for (let i = 0; i < samples.length; i += 1) {
    const current = samples[i] + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  const power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
  // |X(k)|² of a full-block sinusoid of amplitude A is (A·N/2)² while its energy is A²·N/2.
  return (2 * power) / samples.length;
}

/** Σx² of a block. */
export function blockEnergy(samples: Float32Array): number {
  let energy = 0;
  for (let i = 0; i < samples.length; i += 1) energy += samples[i] * samples[i];
  return energy;
}
