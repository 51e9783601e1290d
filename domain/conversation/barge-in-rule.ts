import { isBackchannel } from './backchannel';
import { countWords } from './spoken-text';

export interface BargeInThresholds {
  minWords: number;
  minSpeechMs: number;
}

/** What the caller has said so far while the bot was talking. */
export interface OverlappingSpeech {
  text: string;
  /** From the start of the caller's speech to the end of its latest recognised word. */
  speechMs: number;
}

/**
 * Whether caller speech over the bot is an interruption. Words are required, so line noise and
 * coughs (voice activity without a transcript) never cut the bot off; acknowledgements never do
 * either. Past that, enough words or enough speech is a person taking the floor.
 */
export function isBargeIn(speech: OverlappingSpeech, thresholds: BargeInThresholds): boolean {
  const words = countWords(speech.text);
  if (words === 0 || isBackchannel(speech.text)) return false;
  return words >= thresholds.minWords || speech.speechMs >= thresholds.minSpeechMs;
}
