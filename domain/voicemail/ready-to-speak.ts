import { AFTER_GREETING_SILENCE_MS } from './greeting-tracker';

/**
 * When may the bot start its voicemail message so that the recording gets all of it?
 *
 * 1. Never while a tone is sounding: it may be the beep.
 * 2. Right after a beep, if the caller's side has said nothing since: the machine records from the beep.
 * 3. With no beep: once the greeting is followed by AFTER_GREETING_SILENCE_MS (800 ms) of silence,
 *    since a machine without a beep records from the end of its greeting.
 * 4. But if the greeting announced a beep ("after the tone") and none has come, wait up to
 *    ANNOUNCED_BEEP_WAIT_MS of silence for it: a beep outside the 800–1200 Hz band, or too quiet to
 *    detect, must not make the bot speak into the machine's greeting tail.
 */
export const ANNOUNCED_BEEP_WAIT_MS = 2500;

export interface ReadinessFacts {
  /** Stream time of the latest audio seen. */
  nowMs: number;
  /** End of the caller's latest word. */
  lastSpeechEndMs: number | null;
  /** End of the latest frame with any sound: a word or a tone. */
  lastSoundEndMs: number | null;
  /** End of the latest beep, once it has ended. */
  lastBeepEndMs: number | null;
  toneSounding: boolean;
  beepAnnounced: boolean;
}

export function isReadyToSpeak(facts: ReadinessFacts): boolean {
  if (facts.toneSounding) return false;
  if (facts.lastBeepEndMs !== null && (facts.lastSpeechEndMs === null || facts.lastSpeechEndMs <= facts.lastBeepEndMs)) return true;
  if (facts.lastSoundEndMs === null) return false;
  const quietMs = facts.nowMs - facts.lastSoundEndMs;
  return quietMs >= (facts.beepAnnounced ? ANNOUNCED_BEEP_WAIT_MS : AFTER_GREETING_SILENCE_MS);
}
