import { measureFrameTonality } from '../../domain/voicemail/frame-tonality';
import { beepInProgress, INITIAL_TONE_STATE, MIN_BEEP_MS, toneSounding, trackTone, type ToneTrackerState } from '../../domain/voicemail/tone-tracker';
import { concat, frames, noise, RATE, silence, sine, vowel } from './voicemail-signals';

function track(signal: Float32Array): ToneTrackerState {
  return frames(signal).reduce((state, frame, index) => trackTone(state, index * 20, measureFrameTonality(frame, RATE)), INITIAL_TONE_STATE);
}

describe('beep tracking over 20 ms frames', () => {
  it.each([
    ['a 500 ms 1000 Hz beep', concat(silence(300), sine(1000, 500), silence(200)), [{ startMs: 300, endMs: 800, frequencyHz: 1000 }]],
    // A frame half filled by the tone still passes: beep edges are accurate to one frame.
    ['a 150 ms 1150 Hz beep, frame-aligned', concat(silence(200), sine(1150, 150), silence(200)), [{ startMs: 200, endMs: 360, frequencyHz: 1150 }]],
    ['a 150 ms 850 Hz beep starting mid-frame', concat(silence(210), sine(850, 150), silence(200)), [{ startMs: 200, endMs: 360, frequencyHz: 850 }]],
    ['a 150 ms 1000 Hz beep a quarter into a frame', concat(silence(205), sine(1000, 150), silence(200)), [{ startMs: 200, endMs: 360, frequencyHz: 1000 }]],
    ['a 1000 ms beep', concat(silence(100), sine(1000, 1000), silence(200)), [{ startMs: 100, endMs: 1100, frequencyHz: 1000 }]],
    ['a 100 ms blip: too short', concat(silence(200), sine(1000, 100), silence(200)), []],
    ['two beeps', concat(silence(100), sine(1000, 300), silence(300), sine(1000, 300), silence(100)), [{ startMs: 100, endMs: 400, frequencyHz: 1000 }, { startMs: 700, endMs: 1000, frequencyHz: 1000 }]],
    ['a beep with one lost frame inside: still one beep', concat(silence(100), sine(1000, 200), silence(20), sine(1000, 200), silence(100)), [{ startMs: 100, endMs: 520, frequencyHz: 1000 }]],
    ['a pitch jump (850 then 1150 Hz, 100 ms each): neither long enough', concat(silence(100), sine(850, 100), sine(1150, 100), silence(100)), []],
    ['a sustained vowel near 1 kHz', concat(silence(100), vowel(250, [1000, 2500], 800), silence(100)), []],
    ['white noise', noise(1000, 0.3), []],
  ])('%s', (_case, signal, beeps) => {
    expect(track(signal).beeps).toEqual(beeps);
  });

  it.each([1000, 1025, 800, 1200])('finds a 150 ms beep at %s Hz whatever its offset within a frame', (hz) => {
    for (let offsetMs = 0; offsetMs < 20; offsetMs += 1) {
      const [beep] = track(concat(silence(200 + offsetMs), sine(hz, 150), silence(200))).beeps;
      expect(beep?.startMs).toBeGreaterThanOrEqual(180 + offsetMs);
      expect(beep?.endMs).toBeLessThanOrEqual(200 + offsetMs + 150 + 20);
    }
  });

  it('knows a beep while it still sounds, and a tone that may become one', () => {
    const starting = track(concat(silence(100), sine(1000, 60)));
    expect(toneSounding(starting)).toBe(true);
    expect(beepInProgress(starting)).toBeNull();
    const sounding = track(concat(silence(100), sine(1000, MIN_BEEP_MS + 20)));
    expect(beepInProgress(sounding)).toEqual({ startMs: 100, endMs: 100 + MIN_BEEP_MS + 20, frequencyHz: 1000 });
    const over = track(concat(silence(100), sine(1000, 300), silence(60)));
    expect(toneSounding(over)).toBe(false);
    expect(over.beeps).toHaveLength(1);
  });
});
