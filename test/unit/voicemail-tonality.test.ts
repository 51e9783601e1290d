import { BEEP_BANK_HZ, isTonalFrame, measureFrameTonality } from '../../domain/voicemail/frame-tonality';
import { blockEnergy, goertzelPower } from '../../domain/voicemail/goertzel';
import { add, frames, noise, RATE, sine, silence, vowel } from './voicemail-signals';

describe('Goertzel power', () => {
  it.each([
    ['on a bin: the whole energy', 1000, 1000, 1],
    ['half a bin away: about 40 %', 1025, 1000, 0.405],
    ['a bin away: nothing', 1050, 1000, 0],
    ['far away: nothing', 400, 1000, 0],
  ])('%s', (_case, toneHz, filterHz, share) => {
    const frame = sine(toneHz, 20);
    expect(goertzelPower(frame, RATE, filterHz) / blockEnergy(frame)).toBeCloseTo(share, 1);
  });

  it('banks 800–1200 Hz in 50 Hz steps', () => {
    expect(BEEP_BANK_HZ).toEqual([800, 850, 900, 950, 1000, 1050, 1100, 1150, 1200]);
  });
});

describe('frame tonality (is this 20 ms frame a beep?)', () => {
  const voicedFrames = (signal: Float32Array): boolean[] => frames(signal).map((frame) => isTonalFrame(measureFrameTonality(frame, RATE)));

  it.each([
    ['1000 Hz beep', true, sine(1000, 20)],
    ['850 Hz beep', true, sine(850, 20)],
    ['1150 Hz beep', true, sine(1150, 20)],
    ['1025 Hz, between two filters', true, sine(1025, 20)],
    ['1200 Hz, the band edge', true, sine(1200, 20)],
    ['1000 Hz with white noise 10 dB below it', true, add(sine(1000, 20, 0.3), noise(20, 0.116))],
    ['700 Hz, below the band', false, sine(700, 20)],
    ['1500 Hz, above the band', false, sine(1500, 20)],
    ['1000 Hz too quiet to be anything but line noise (−50 dBFS)', false, sine(1000, 20, 0.0045)],
    ['white noise', false, noise(20, 0.5)],
    ['DTMF 0 (941 + 1336 Hz)', false, add(sine(941, 20, 0.3), sine(1336, 20, 0.3))],
    ['DTMF * (941 + 1209 Hz), both tones near the band', false, add(sine(941, 20, 0.3), sine(1209, 20, 0.3))],
    ['digital silence', false, silence(20)],
  ])('%s → tonal: %s', (_case, tonal, frame) => {
    expect(isTonalFrame(measureFrameTonality(frame, RATE))).toBe(tonal);
  });

  it.each([
    ['a male "ah" (F0 120 Hz, formants 700/1200 Hz)', vowel(120, [700, 1200], 400)],
    ['a female "ah" (F0 220 Hz, formants 850/1220 Hz)', vowel(220, [850, 1220], 400)],
    ['a vowel with its first formant on 1 kHz (F0 250 Hz)', vowel(250, [1000, 2500], 400)],
  ])('speech is not tonal: %s', (_case, signal) => {
    expect(voicedFrames(signal).filter(Boolean)).toEqual([]);
  });

  it('reports the peak filter and the energy', () => {
    const measured = measureFrameTonality(sine(1150, 20, 0.5), RATE);
    expect(measured.peakHz).toBe(1150);
    expect(measured.peakShare).toBeGreaterThan(0.95);
    // A sine of amplitude 0.5 has mean power 0.125: −9 dBFS.
    expect(measured.energyDb).toBeCloseTo(-9, 0);
  });

  it('works the same at 16 kHz (20 ms is still 50 Hz per bin)', () => {
    expect(isTonalFrame(measureFrameTonality(sine(1000, 20, 0.5, 16_000), 16_000))).toBe(true);
    expect(isTonalFrame(measureFrameTonality(sine(1500, 20, 0.5, 16_000), 16_000))).toBe(false);
  });
});
