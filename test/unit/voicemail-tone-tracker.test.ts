import { CONFIRM_GAP_MS, LOW_CONFIRM_GAP_MS, toneSounding, type Beep } from '../../domain/voicemail/tone-tracker';
import { scanTones, ToneListener } from '../../media-server/voicemail/tone-listener';
import { add, concat, noise, RATE, silence, sine, toPcm, vowel } from './voicemail-signals';

const scan = (signal: Float32Array, rate = RATE) => scanTones(toPcm(signal), rate);
/** The beeps found, as expected when their frequency is within 40 Hz of it (a sweep's is read over its first 40 ms). */
const beepsOf = (signal: Float32Array, expected: Pick<Beep, 'kind' | 'frequencyHz'>[]): Pick<Beep, 'kind' | 'frequencyHz'>[] =>
  scan(signal).beeps.map(({ kind, frequencyHz }, i) => ({ kind, frequencyHz: Math.abs(frequencyHz - (expected[i]?.frequencyHz ?? 0)) <= 40 ? expected[i].frequencyHz : frequencyHz }));

function sweep(fromHz: number, toHz: number, ms: number, amplitude = 0.4): Float32Array {
  const out = new Float32Array(Math.round((ms * RATE) / 1000));
  let phase = 0;
  for (let i = 0; i < out.length; i += 1) {
    phase += (2 * Math.PI * (fromHz + ((toHz - fromHz) * i) / out.length)) / RATE;
    out[i] = amplitude * Math.sin(phase);
  }
  return out;
}

/** India's ringback: 400 Hz modulated at 25 Hz, 0.4 s on, 0.2 s off, 0.4 s on, 2 s off. */
function ringback(cycles: number): Float32Array {
  const burst = sine(400, 400, 0.4).map((x, i) => x * (0.6 + 0.4 * Math.sin((2 * Math.PI * 25 * i) / RATE)));
  return concat(...Array.from({ length: cycles }, () => concat(burst, silence(200), burst, silence(2000))));
}

/** India's busy tone: 400 Hz, 0.75 s on and off. */
const busy = (cycles: number) => concat(...Array.from({ length: cycles }, () => concat(sine(400, 750, 0.4), silence(750))));
const dtmf = (low: number, high: number, ms: number) => add(sine(low, ms, 0.25), sine(high, ms, 0.25));

describe('tone tracking and judging', () => {
  it.each([
    ['a 500 ms 1000 Hz beep', concat(silence(300), sine(1000, 500), silence(200)), [{ kind: 'single', frequencyHz: 1000 }]],
    ['a 150 ms 1650 Hz beep', concat(silence(300), sine(1650, 150), silence(200)), [{ kind: 'single', frequencyHz: 1650 }]],
    ['a 400 ms 440 Hz beep, alone', concat(silence(300), sine(440, 400), silence(200)), [{ kind: 'single', frequencyHz: 440 }]],
    ['a 2000 Hz beep of 1.5 s', concat(silence(300), sine(2000, 1500), silence(200)), [{ kind: 'single', frequencyHz: 2000 }]],
    ['a 950 + 1400 Hz dual beep', concat(silence(300), add(sine(950, 400, 0.3), sine(1400, 400, 0.2)), silence(200)), [{ kind: 'dual', frequencyHz: 950 }]],
    ['a sweep from 800 to 1600 Hz in 300 ms', concat(silence(300), sweep(800, 1600, 300), silence(200)), [{ kind: 'sweep', frequencyHz: 800 }]],
    ['a falling sweep from 1800 to 1100 Hz in 250 ms', concat(silence(300), sweep(1800, 1100, 250), silence(200)), [{ kind: 'sweep', frequencyHz: 1800 }]],
    ['a beep on a line with noise 10 dB below it', add(concat(silence(300), sine(1200, 400, 0.3), silence(500)), noise(1200, 0.05)), [{ kind: 'single', frequencyHz: 1200 }]],
    ['a 100 ms blip: too short', concat(silence(300), sine(1000, 100), silence(200)), []],
  ])('%s', (_case, signal, beeps) => {
    expect(beepsOf(signal, beeps as Pick<Beep, 'kind' | 'frequencyHz'>[])).toEqual(beeps);
  });

  it.each([
    ['India\'s ringback tone', ringback(3)],
    ['India\'s busy tone', busy(4)],
    ['a continuous dial tone', sine(400, 5000, 0.4)],
    ['a long DTMF key press (5: 770 + 1336 Hz)', concat(silence(200), dtmf(770, 1336, 400), silence(300))],
    ['DTMF digits', concat(...[[697, 1209], [852, 1477], [941, 1336]].map(([low, high]) => concat(dtmf(low, high, 180), silence(120))))],
    ['hold music: a melody of pure notes', concat(...[523, 587, 659, 698, 784, 698, 659, 587].map((hz) => sine(hz, 250, 0.3)))],
    ['hold music: chords', concat(...[[262, 330, 392], [349, 440, 523], [392, 494, 587]].map((chord) => add(...chord.map((hz) => sine(hz, 600, 0.2)))))],
    ['a vowel with vibrato', vowel(150, [900, 1300], 800)],
    ['white noise', noise(2000, 0.3)],
  ])('finds no beep in %s', (_case, signal) => {
    expect(scan(signal).beeps).toEqual([]);
  });

  it('takes the three rising tones of SIT for a special information tone, not a beep', () => {
    const sit = concat(silence(300), sine(913.8, 274, 0.3), sine(1370.6, 274, 0.3), sine(1776.7, 380, 0.3), silence(500));
    const state = scan(sit);
    expect(state.beeps).toEqual([]);
    expect(state.informationTones).toHaveLength(1);
    expect(state.informationTones[0].startMs).toBeGreaterThanOrEqual(280);
    expect(state.informationTones[0].endMs).toBeLessThanOrEqual(300 + 928 + 40);
  });

  it.each([
    ['a 1000 Hz beep', 1000, 200, 400, CONFIRM_GAP_MS],
    ['a 420 Hz beep as short as a ringback burst (ringback pauses only 200 ms)', 420, 200, 400, CONFIRM_GAP_MS],
    ['a 420 Hz beep as long as a busy burst', 420, 200, 750, LOW_CONFIRM_GAP_MS],
    ['a 420 Hz tone already sounding when the stream began', 420, 0, 400, LOW_CONFIRM_GAP_MS],
    ['a 1000 Hz beep already sounding when the stream began', 1000, 0, 400, CONFIRM_GAP_MS],
  ])('judges %s its confirmation gap after it ends, and says a tone sounds until then', (_case, hz, leadMs, lengthMs, gapMs) => {
    const listener = new ToneListener(RATE);
    const signal = concat(silence(leadMs), sine(hz, lengthMs), silence(1500));
    const samplesPerFrame = RATE / 50;
    const endMs = leadMs + lengthMs;
    let judgedAtMs: number | null = null;
    for (let start = 0, atMs = 0; start + samplesPerFrame <= signal.length; start += samplesPerFrame, atMs += 20) {
      listener.hear(atMs, signal.subarray(start, start + samplesPerFrame));
      if (atMs + 20 === endMs) expect(toneSounding(listener.tones)).toBe(true);
      if (judgedAtMs === null && listener.tones.beeps.length > 0) judgedAtMs = atMs + 20;
    }
    // Its last window ends at most one frame after the tone.
    expect(judgedAtMs).toBeGreaterThanOrEqual(endMs + gapMs);
    expect(judgedAtMs).toBeLessThanOrEqual(endMs + gapMs + 60);
  });

  it.each([
    ['a busy tone joined mid-burst', concat(sine(400, 300, 0.4), silence(750), busy(3))],
    ['ringback joined between its two bursts', concat(sine(400, 200, 0.4), silence(200), ringback(2))],
  ])('finds no beep in %s', (_case, signal) => {
    expect(scan(signal).beeps).toEqual([]);
  });

  it('finds the same beep at 16 kHz', () => {
    const signal16k = concat(new Float32Array(4800), sine(1000, 400, 0.5, 16_000), new Float32Array(8000));
    expect(scanTones(toPcm(signal16k), 16_000).beeps.map((beep) => Math.round(beep.frequencyHz / 10) * 10)).toEqual([1000]);
  });
});
