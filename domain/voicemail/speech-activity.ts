import { FRAME_MS } from './frame-tonality';

/**
 * Is the caller speaking in this frame? An energy detector against the line's own noise floor, which
 * is the quietest frame of the last 1.5 s: a steady hiss never rises 10 dB above itself, while speech
 * does at every syllable. The absolute minimum keeps faint hum on a silent line from counting.
 */
const FLOOR_WINDOW_FRAMES = 1500 / FRAME_MS;
export const SPEECH_ABOVE_FLOOR_DB = 10;
export const MIN_SPEECH_DB = -45;

export interface SpeechActivityState {
  /** Energies (dBFS) of the latest frames, oldest first, at most FLOOR_WINDOW_FRAMES. */
  recentDb: readonly number[];
}

export const INITIAL_SPEECH_ACTIVITY: SpeechActivityState = { recentDb: [] };

export function classifySpeech(state: SpeechActivityState, energyDb: number): { state: SpeechActivityState; isSpeech: boolean } {
  const recentDb = [...state.recentDb, energyDb].slice(-FLOOR_WINDOW_FRAMES);
  const floorDb = Math.min(...recentDb);
  return { state: { recentDb }, isSpeech: energyDb >= MIN_SPEECH_DB && energyDb >= floorDb + SPEECH_ABOVE_FLOOR_DB };
}
