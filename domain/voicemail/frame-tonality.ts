import { blockEnergy, goertzelPower } from './goertzel';

/**
 * Answering-machine beeps are not standardized, but most sit near 1 kHz, so the bank covers
 * 800–1200 Hz. The steps are 50 Hz because frames are 20 ms long: 50 Hz is then exactly one DFT bin
 * at any sample rate, so the bins do not overlap and a tone between two of them splits across that pair.
 */
export const BEEP_BANK_HZ: readonly number[] = Array.from({ length: 9 }, (_unused, i) => 800 + 50 * i);

/** Frame length of every voicemail measurement. */
export const FRAME_MS = 20;

export interface FrameTonality {
  /** Mean power of the frame in dBFS (a full-scale sine is about −3 dBFS); −120 for digital silence. */
  energyDb: number;
  /** Frequency of the strongest bank filter. */
  peakHz: number;
  /** Share of the frame's whole energy held by the strongest pair of neighbouring bank filters, 0–1. */
  peakShare: number;
}

const SILENCE_DB = -120;

/**
 * How much of a frame's energy is one narrow tone inside the beep band. A pair of neighbouring filters
 * is measured, not one, because a tone between two bins splits across them (about 81 % together at
 * worst). Speech fails this test even on a vowel near 1 kHz: its energy is spread over many harmonics
 * and mostly lies below 800 Hz.
 */
export function measureFrameTonality(frame: Float32Array, sampleRate: number, bankHz: readonly number[] = BEEP_BANK_HZ): FrameTonality {
  const energy = blockEnergy(frame);
  if (energy === 0 || frame.length === 0) return { energyDb: SILENCE_DB, peakHz: bankHz[0], peakShare: 0 };
  const powers = bankHz.map((hz) => goertzelPower(frame, sampleRate, hz));
  let peak = 0;
  for (let i = 1; i < powers.length; i += 1) if (powers[i] > powers[peak]) peak = i;
  let bestPair = 0;
  for (let i = 0; i + 1 < powers.length; i += 1) bestPair = Math.max(bestPair, powers[i] + powers[i + 1]);
  return {
    energyDb: Math.max(SILENCE_DB, 10 * Math.log10(energy / frame.length)),
    peakHz: bankHz[peak],
    peakShare: Math.min(1, bestPair / energy),
  };
}

/** Quieter frames are line noise, whatever their spectrum. */
export const MIN_TONE_DB = -45;
/** A tone at the worst spot between two bins still holds about 0.81; a few dB of noise leave it above 0.6. */
export const MIN_TONE_SHARE = 0.6;

export function isTonalFrame(tonality: FrameTonality): boolean {
  return tonality.energyDb >= MIN_TONE_DB && tonality.peakShare >= MIN_TONE_SHARE;
}
