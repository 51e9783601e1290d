import { measureFrameTonality } from '../../domain/voicemail/frame-tonality';
import {
  greetingLengthMs,
  INITIAL_GREETING_STATE,
  initialSilenceMs,
  isShortGreetingThenSilence,
  trackGreeting,
  turnYieldedAtMs,
  type GreetingState,
} from '../../domain/voicemail/greeting-tracker';
import { classifySpeech, INITIAL_SPEECH_ACTIVITY } from '../../domain/voicemail/speech-activity';
import { add, concat, frames, noise, RATE, silence, sine, vowel } from './voicemail-signals';

/** `[true, 400]` is 400 ms of speech frames, `[false, 800]` 800 ms of silence. */
function greetingOf(...parts: [boolean, number][]): GreetingState {
  let state = INITIAL_GREETING_STATE;
  let atMs = 0;
  for (const [speech, ms] of parts) {
    for (let end = atMs + ms; atMs < end; atMs += 20) state = trackGreeting(state, atMs, speech);
  }
  return state;
}

describe('greeting tracker (Asterisk AMD lengths)', () => {
  it.each([
    // case, frames, first word, greeting end, length, short-then-silence, turn yielded at
    ['"Hello?" then silence', [[false, 500], [true, 400], [false, 1000]], 500, 900, 400, true, 1700],
    ['"Hello?" and not yet 800 ms of silence', [[false, 500], [true, 400], [false, 600]], 500, null, 400, false, null],
    ['a 2.6 s greeting with short pauses', [[false, 300], [true, 1000], [false, 400], [true, 1200], [false, 1000]], 300, 2900, 2600, false, 3700],
    ['a greeting still going', [[false, 300], [true, 2000]], 300, null, 2000, false, null],
    ['two hellos 900 ms apart: the greeting is the first', [[false, 300], [true, 400], [false, 900], [true, 400], [false, 900]], 300, 700, 400, true, 1500],
    ['clicks of 40 ms are not words', [[false, 300], [true, 40], [false, 300], [true, 40], [false, 1000]], null, null, 0, false, null],
    ['nobody speaks', [[false, 3000]], null, null, 0, false, null],
  ] as [string, [boolean, number][], number | null, number | null, number, boolean, number | null][])(
    '%s',
    (_case, parts, firstSpeechMs, greetingEndMs, lengthMs, shortThenSilence, yieldedAtMs) => {
      const state = greetingOf(...parts);
      expect(state.firstSpeechMs).toBe(firstSpeechMs);
      expect(state.greetingEndMs).toBe(greetingEndMs);
      expect(greetingLengthMs(state)).toBe(lengthMs);
      expect(isShortGreetingThenSilence(state)).toBe(shortThenSilence);
      expect(turnYieldedAtMs(state)).toBe(yieldedAtMs);
    },
  );

  it('measures the initial silence, so far or until the first word', () => {
    expect(initialSilenceMs(greetingOf([false, 3000]))).toBe(3000);
    expect(initialSilenceMs(greetingOf([false, 1200], [true, 500]))).toBe(1200);
  });
});

describe('speech activity (energy against the line’s noise floor)', () => {
  function speechFrames(signal: Float32Array): boolean[] {
    let state = INITIAL_SPEECH_ACTIVITY;
    return frames(signal).map((frame) => {
      const result = classifySpeech(state, measureFrameTonality(frame, RATE).energyDb);
      state = result.state;
      return result.isSpeech;
    });
  }
  const count = (flags: boolean[]): number => flags.filter(Boolean).length;

  it.each([
    ['silence', silence(1000), 0, 0],
    ['a vowel after silence', concat(silence(300), vowel(150, [700, 1200], 400), silence(300)), 20, 20],
    ['steady white noise, even loud', noise(3000, 0.3), 0, 1],
    ['a vowel over quieter noise', add(concat(silence(600), vowel(150, [700, 1200], 400, 0.4), silence(300)), noise(1300, 0.02)), 20, 20],
    ['a faint tone on a silent line (−50 dBFS)', concat(silence(300), sine(300, 500, 0.0045)), 0, 0],
  ])('%s', (_case, signal, atLeast, atMost) => {
    const speech = count(speechFrames(signal));
    expect(speech).toBeGreaterThanOrEqual(atLeast);
    expect(speech).toBeLessThanOrEqual(atMost);
  });
});
