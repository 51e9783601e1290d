/**
 * When may the bot start its voicemail message so that the recording gets all of it?
 *
 * 1. Never while a tone is sounding: it may be the beep.
 * 2. Right after a beep, if the caller's side has said nothing since: the machine records from the beep.
 * 3. With no beep: once the greeting is followed by NO_BEEP_MESSAGE_SILENCE_MS of silence, since a
 *    machine without a beep records from the end of its greeting, even one that promised a beep.
 *
 * Rule 3 can fire in a pause between a greeting's sentences, or before a beep that comes late. Then
 * the machine's side sounds again and readiness ends: the media server stops the message and starts it
 * over once ready again (conversation.ts), so the bot never talks on over a greeting, and a machine
 * that records from a late beep still gets the whole message.
 */
export const NO_BEEP_MESSAGE_SILENCE_MS = 400;

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
}

export function isReadyToSpeak(facts: ReadinessFacts): boolean {
  if (facts.toneSounding) return false;
  if (facts.lastBeepEndMs !== null && (facts.lastSpeechEndMs === null || facts.lastSpeechEndMs <= facts.lastBeepEndMs)) return true;
  if (facts.lastSoundEndMs === null) return false;
  const quietMs = facts.nowMs - facts.lastSoundEndMs;
  return quietMs >= NO_BEEP_MESSAGE_SILENCE_MS;
}
