import { FRAME_MS } from './frame-tonality';

/**
 * The shape of what the caller says first, after Asterisk's AMD: people answer with a short "Hello?"
 * and wait; machines play a long greeting. The greeting is the first stretch of speech, pauses shorter
 * than AFTER_GREETING_SILENCE_MS included (the pauses between a greeting's sentences).
 */

/** Asterisk AMD `afterGreetingSilence`: this much silence ends the greeting. */
export const AFTER_GREETING_SILENCE_MS = 800;
/** Asterisk AMD `greeting`: a greeting at least this long is a machine's. */
export const LONG_GREETING_MS = 1500;
/** Asterisk AMD `initialSilence`: this long before any speech is what a machine does. */
export const LONG_INITIAL_SILENCE_MS = 2500;
/** Speech shorter than this (a click, a breath) is not a word; AMD's `minimumWordLength` plays the same role. */
const MIN_WORD_FRAMES = 3;

export interface GreetingState {
  /** End of the latest frame seen. */
  nowMs: number;
  /** Consecutive speech frames ending at nowMs, and where they began. */
  speechRunFrames: number;
  speechRunStartMs: number;
  /** Start of the first word: the greeting's start. */
  firstSpeechMs: number | null;
  /** End of the latest word. */
  lastSpeechEndMs: number | null;
  /** End of the greeting's last word, known once AFTER_GREETING_SILENCE_MS of silence followed it. */
  greetingEndMs: number | null;
}

export const INITIAL_GREETING_STATE: GreetingState = {
  nowMs: 0,
  speechRunFrames: 0,
  speechRunStartMs: 0,
  firstSpeechMs: null,
  lastSpeechEndMs: null,
  greetingEndMs: null,
};

/** Feeds one 20 ms frame (starting at `startMs`) into the tracker. */
export function trackGreeting(state: GreetingState, startMs: number, isSpeech: boolean): GreetingState {
  const nowMs = startMs + FRAME_MS;
  const next: GreetingState = { ...state, nowMs };
  if (isSpeech) {
    next.speechRunStartMs = state.speechRunFrames === 0 ? startMs : state.speechRunStartMs;
    next.speechRunFrames = state.speechRunFrames + 1;
    if (next.speechRunFrames >= MIN_WORD_FRAMES) {
      next.firstSpeechMs = state.firstSpeechMs ?? next.speechRunStartMs;
      next.lastSpeechEndMs = nowMs;
    }
  } else {
    next.speechRunFrames = 0;
  }
  if (next.greetingEndMs === null && next.lastSpeechEndMs !== null && nowMs - next.lastSpeechEndMs >= AFTER_GREETING_SILENCE_MS) {
    next.greetingEndMs = next.lastSpeechEndMs;
  }
  return next;
}

/** How long the greeting has lasted so far (or lasted, once it ended); 0 before any speech. */
export function greetingLengthMs(state: GreetingState): number {
  if (state.firstSpeechMs === null) return 0;
  return (state.greetingEndMs ?? state.lastSpeechEndMs ?? state.firstSpeechMs) - state.firstSpeechMs;
}

/** Silence from the start of the stream until the first word (so far, if nobody has spoken yet). */
export function initialSilenceMs(state: GreetingState): number {
  return state.firstSpeechMs ?? state.nowMs;
}

/** AMD's human pattern: a short greeting, then the caller fell silent, waiting for an answer. */
export function isShortGreetingThenSilence(state: GreetingState): boolean {
  return state.greetingEndMs !== null && greetingLengthMs(state) < LONG_GREETING_MS;
}

/**
 * When the caller yielded the turn: the end of the greeting plus the silence that ended it. Anything
 * the caller does after this moment is a new turn, not more greeting.
 */
export function turnYieldedAtMs(state: GreetingState): number | null {
  return state.greetingEndMs === null ? null : state.greetingEndMs + AFTER_GREETING_SILENCE_MS;
}
