import { blockEnergy, powerSpectrum } from './spectrum';

/** Step between two measurements. */
export const FRAME_MS = 20;
/**
 * Each measurement looks at the latest 40 ms (two frames): a Hann window that long resolves peaks
 * 50 Hz apart, enough to see a voice's harmonics (100–300 Hz apart) as separate peaks rather than as one
 * tone, while a 150 ms beep still fills several windows.
 */
export const WINDOW_MS = 40;

/** Beeps are not standardized; 400–2,000 Hz covers what answering machines and carriers use (DESIGN 7.4). */
export const TONE_BAND_HZ = { low: 380, high: 2100 } as const;
/** Energy outside the telephone band is hum and DC, not part of what the line carries. */
const LINE_BAND_HZ = { low: 200, high: 3500 } as const;
/** A tone's main lobe (±2 bins of a 40 ms Hann window is ±50 Hz) plus room for a sweep within the window. */
const PEAK_HALF_WIDTH_HZ = 70;

/** Quieter windows are line noise, whatever their spectrum. */
export const MIN_TONE_DB = -50;
/**
 * A single tone holds at least this share of the line-band energy. A pure tone holds over 0.95; line
 * noise at 5 dB below it leaves about 0.7. Voiced speech spreads over many harmonics and formants: its
 * strongest harmonic rarely holds half of a 40 ms window, and never for long.
 */
export const MIN_SINGLE_SHARE = 0.6;
/** Two tones together hold at least this share, and the weaker one at least MIN_SECOND_SHARE. */
export const MIN_DUAL_SHARE = 0.65;
const MIN_SECOND_SHARE = 0.15;
/**
 * The two tones of a dual tone lie further apart than neighbouring harmonics of a voice (70–300 Hz):
 * two strong neighbouring harmonics of a low voice would otherwise pass for a dual tone.
 */
const MIN_DUAL_SPACING_HZ = 300;
/**
 * What sets a tone apart from a voice: besides the tone(s), no other narrow peak. A voice's energy sits
 * on a ladder of harmonics, so its next-strongest harmonic holds 5 % or more even when one dominates;
 * around a tone there is only noise, which spreads thinly (a tone 5 dB above white noise leaves under
 * 2 % in any 140 Hz stretch).
 */
export const MAX_OTHER_PEAK_SHARE = 0.04;

export interface TonePeak {
  hz: number;
  /** Share of the window's line-band energy within ±PEAK_HALF_WIDTH_HZ of the peak, 0–1. */
  share: number;
}

export interface FrameTonality {
  /** Mean power of the window in dBFS (a full-scale sine is about −3 dBFS); −120 for digital silence. */
  energyDb: number;
  /** The tone(s) this window holds: one, two (a dual tone), or none when it is not tonal. */
  tones: TonePeak[];
}

const SILENCE_DB = -120;

/** How much of a window's energy sits in one or two narrow peaks inside the tone band. */
export function measureFrameTonality(window: Float32Array, sampleRate: number): FrameTonality {
  const energy = blockEnergy(window);
  if (energy === 0 || window.length === 0) return { energyDb: SILENCE_DB, tones: [] };
  const energyDb = Math.max(SILENCE_DB, 10 * Math.log10(energy / window.length));
  if (energyDb < MIN_TONE_DB) return { energyDb, tones: [] };
  const { power, binHz } = powerSpectrum(window, sampleRate);
  const bin = (hz: number): number => Math.min(power.length - 1, Math.max(0, Math.round(hz / binHz)));
  let lineEnergy = 0;
  for (let k = bin(LINE_BAND_HZ.low); k <= bin(LINE_BAND_HZ.high); k += 1) lineEnergy += power[k];
  if (lineEnergy <= 0) return { energyDb, tones: [] };

  const halfWidth = Math.max(1, Math.round(PEAK_HALF_WIDTH_HZ / binHz));
  const masked = new Uint8Array(power.length);
  // The strongest three peaks of the line band, each masked (with its skirt) before the next is sought.
  // Tones must lie in the tone band; any other peak, wherever it is, speaks against a tone.
  const peaks: TonePeak[] = [];
  for (let n = 0; n < 3; n += 1) {
    let best = -1;
    for (let k = bin(LINE_BAND_HZ.low) + 1; k < bin(LINE_BAND_HZ.high); k += 1) {
      // Only a local maximum is a peak: the band's edge bin on the skirt of a lower peak is not.
      const isPeak = power[k] >= power[k - 1] && power[k] >= power[k + 1];
      if (isPeak && !masked[k] && (best < 0 || power[k] > power[best])) best = k;
    }
    if (best < 0) break;
    let held = 0;
    for (let k = Math.max(0, best - halfWidth); k <= Math.min(power.length - 1, best + halfWidth); k += 1) if (!masked[k]) held += power[k];
    for (let k = Math.max(0, best - halfWidth - 1); k <= Math.min(power.length - 1, best + halfWidth + 1); k += 1) masked[k] = 1;
    peaks.push({ hz: Math.round(interpolatedPeak(power, best) * binHz), share: Math.min(1, held / lineEnergy) });
  }
  const [first, second, third] = peaks;
  const shareOf = (peak: TonePeak | undefined): number => peak?.share ?? 0;
  const inToneBand = (peak: TonePeak | undefined): boolean => peak !== undefined && peak.hz >= TONE_BAND_HZ.low && peak.hz <= TONE_BAND_HZ.high;
  if (!inToneBand(first)) return { energyDb, tones: [] };
  if (shareOf(first) >= MIN_SINGLE_SHARE && shareOf(second) < MAX_OTHER_PEAK_SHARE) return { energyDb, tones: [first] };
  const dual =
    inToneBand(second) &&
    shareOf(second) >= MIN_SECOND_SHARE &&
    shareOf(first) + shareOf(second) >= MIN_DUAL_SHARE &&
    shareOf(third) < MAX_OTHER_PEAK_SHARE &&
    Math.abs(first.hz - second.hz) >= MIN_DUAL_SPACING_HZ;
  if (dual) {
    return { energyDb, tones: [first, second].sort((a, b) => a.hz - b.hz) };
  }
  return { energyDb, tones: [] };
}

/** The peak's position between bins, from the parabola through the log powers of it and its neighbours. */
function interpolatedPeak(power: Float64Array, k: number): number {
  if (k <= 0 || k >= power.length - 1) return k;
  const [a, b, c] = [power[k - 1], power[k], power[k + 1]].map((value) => Math.log(value + 1e-30));
  const denominator = a - 2 * b + c;
  return denominator === 0 ? k : k + (0.5 * (a - c)) / denominator;
}

export function isTonalFrame(tonality: FrameTonality): boolean {
  return tonality.tones.length > 0;
}
