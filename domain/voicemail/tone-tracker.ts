import { FRAME_MS, type FrameTonality, isTonalFrame } from './frame-tonality';

/** A beep heard on the line. Times are milliseconds of stream time. */
export interface Beep {
  startMs: number;
  endMs: number;
  frequencyHz: number;
}

/**
 * A beep lasts at least this long. Speech can hold one frame, rarely two, that pass the tonality test;
 * a beep holds it for its whole length. 140 ms (seven frames) rather than the usual 150 ms because a
 * 150 ms beep, cut into 20 ms frames at any offset, always yields seven tonal frames but not always eight.
 */
export const MIN_BEEP_MS = 140;
/** A beep keeps its pitch: frames more than one bin away start a new tone. */
const MAX_PITCH_DRIFT_HZ = 50;
/** One non-tonal frame inside a tone (a click, a packet of noise) does not end it. */
const MAX_MISSED_FRAMES = 1;

interface ToneRun {
  startMs: number;
  /** End of the last tonal frame. */
  endMs: number;
  frequencyHz: number;
  missedFrames: number;
}

export interface ToneTrackerState {
  run: ToneRun | null;
  /** Finished beeps, oldest first. */
  beeps: readonly Beep[];
}

export const INITIAL_TONE_STATE: ToneTrackerState = { run: null, beeps: [] };

/** Feeds one 20 ms frame (starting at `startMs`) into the tracker. */
export function trackTone(state: ToneTrackerState, startMs: number, tonality: FrameTonality): ToneTrackerState {
  const { run } = state;
  if (isTonalFrame(tonality)) {
    if (run && Math.abs(tonality.peakHz - run.frequencyHz) <= MAX_PITCH_DRIFT_HZ) {
      return { ...state, run: { ...run, endMs: startMs + FRAME_MS, missedFrames: 0 } };
    }
    const closed = run ? closeRun(state.beeps, run) : state.beeps;
    return { beeps: closed, run: { startMs, endMs: startMs + FRAME_MS, frequencyHz: tonality.peakHz, missedFrames: 0 } };
  }
  if (!run) return state;
  if (run.missedFrames < MAX_MISSED_FRAMES) return { ...state, run: { ...run, missedFrames: run.missedFrames + 1 } };
  return { beeps: closeRun(state.beeps, run), run: null };
}

function closeRun(beeps: readonly Beep[], run: ToneRun): readonly Beep[] {
  if (run.endMs - run.startMs < MIN_BEEP_MS) return beeps;
  return [...beeps, { startMs: run.startMs, endMs: run.endMs, frequencyHz: run.frequencyHz }];
}

/** A tone long enough to be a beep that is still sounding, if any. */
export function beepInProgress(state: ToneTrackerState): Beep | null {
  const { run } = state;
  if (!run || run.endMs - run.startMs < MIN_BEEP_MS) return null;
  return { startMs: run.startMs, endMs: run.endMs, frequencyHz: run.frequencyHz };
}

/** Whether any tone, however short so far, is sounding: it may be a beep just starting. */
export function toneSounding(state: ToneTrackerState): boolean {
  return state.run !== null;
}
