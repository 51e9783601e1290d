import { measureFrameTonality, MIN_TONE_DB } from '../../domain/voicemail/frame-tonality';
import { powerSpectrum } from '../../domain/voicemail/spectrum';
import { decodeMuLaw } from '../../media-server/voicemail/mu-law';
import { add, noise, RATE, sine, toPcm, vowel } from './voicemail-signals';

/** A 40 ms analysis window. */
const WINDOW = 40;

function muLawRoundTrip(signal: Float32Array): Float32Array {
  // G.711 μ-law encoding of 16-bit samples, then the decoder under test.
  const encoded = Buffer.alloc(signal.length);
  const pcm = toPcm(signal);
  for (let i = 0; i < signal.length; i += 1) {
    let sample = pcm.readInt16LE(i * 2);
    const sign = sample < 0 ? 0x80 : 0;
    sample = Math.min(32635, Math.abs(sample)) + 0x84;
    let exponent = 7;
    for (let mask = 0x4000; (sample & mask) === 0 && exponent > 0; mask >>= 1) exponent -= 1;
    const mantissa = (sample >> (exponent + 3)) & 0x0f;
    encoded[i] = ~(sign | (exponent << 4) | mantissa) & 0xff;
  }
  const decoded = decodeMuLaw(encoded);
  return Float32Array.from({ length: signal.length }, (_unused, i) => decoded.readInt16LE(i * 2) / 32768);
}

describe('power spectrum', () => {
  it('keeps the window\'s energy and puts a tone at its frequency', () => {
    const { power, binHz } = powerSpectrum(sine(1000, WINDOW), RATE);
    const peak = power.indexOf(Math.max(...power));
    expect(Math.abs(peak * binHz - 1000)).toBeLessThanOrEqual(binHz);
  });
});

describe('frame tonality (40 ms windows)', () => {
  it.each([400, 440, 700, 1000, 1234, 1650, 2000])('hears a %s Hz tone as one tone holding nearly all the energy', (hz) => {
    const { tones } = measureFrameTonality(sine(hz, WINDOW), RATE);
    expect(tones).toHaveLength(1);
    expect(Math.abs(tones[0].hz - hz)).toBeLessThanOrEqual(10);
    expect(tones[0].share).toBeGreaterThan(0.95);
  });

  it.each([
    [950, 1400],
    [600, 1000],
    [1300, 1750],
  ])('hears a %s + %s Hz dual tone as two tones', (low, high) => {
    const { tones } = measureFrameTonality(add(sine(low, WINDOW, 0.3), sine(high, WINDOW, 0.25)), RATE);
    expect(tones.map((tone) => Math.round(tone.hz / 10) * 10)).toEqual([low, high]);
  });

  it('hears a tone through line noise 10 dB below it, and through the μ-law leg', () => {
    expect(measureFrameTonality(add(sine(1400, WINDOW, 0.3), noise(WINDOW, 0.3 / Math.sqrt(2) / Math.sqrt(10) * Math.sqrt(3))), RATE).tones).toHaveLength(1);
    expect(measureFrameTonality(muLawRoundTrip(sine(850, WINDOW, 0.2)), RATE).tones).toHaveLength(1);
  });

  it.each([
    ['a vowel at 120 Hz with formants at 700 and 1,200 Hz', vowel(120, [700, 1200], WINDOW)],
    ['a vowel at 220 Hz with a formant near 1 kHz', vowel(220, [1000, 2500], WINDOW)],
    ['a low voice whose harmonics crowd 300–500 Hz', vowel(110, [400], WINDOW)],
    ['white noise', noise(WINDOW, 0.3)],
    ['a tone outside the band (250 Hz)', sine(250, WINDOW)],
    ['a tone outside the band (3,000 Hz)', sine(3000, WINDOW)],
    ['a chord of three notes', add(sine(523, WINDOW, 0.2), sine(659, WINDOW, 0.2), sine(784, WINDOW, 0.2))],
  ])('hears no tone in %s', (_case, signal) => {
    expect(measureFrameTonality(signal, RATE).tones).toEqual([]);
  });

  it('calls a window quieter than MIN_TONE_DB line noise, whatever its spectrum', () => {
    const faint = sine(1000, WINDOW, 10 ** ((MIN_TONE_DB - 3) / 20));
    expect(measureFrameTonality(faint, RATE).tones).toEqual([]);
    expect(measureFrameTonality(new Float32Array(320), RATE)).toEqual({ energyDb: -120, tones: [] });
  });
});
