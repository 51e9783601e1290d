/**
 * Who answered, decided from the evidence gathered so far (issue #15's policy):
 *
 * - Turn-taking (the caller answered the bot after yielding the turn) makes a person, for good.
 * - An operator announcement (the special information tone, or its words) makes `unreachable`.
 * - A beep heard at any point of the greeting, up to the machine-detection timeout (30 s by default,
 *   like Twilio's), makes a machine.
 * - A score at or above the threshold (keywords, greeting length) makes a machine. Exotel's `AnsweredBy`
 *   moves that threshold (machineThreshold): a carrier's hint makes the audio's case easier or harder
 *   to make, never makes it.
 * - Otherwise a person, provisionally, as soon as they behaved like one (a short greeting then silence,
 *   a question then silence) or HUMAN_AFTER_FIRST_WORD_MS after their first word, or at
 *   SILENT_LINE_HUMAN_MS when nobody spoke: the bot may talk then. A provisional person still becomes a
 *   machine or `unreachable` on later evidence until the timeout; after it, the verdict is final.
 *
 * Machine, unreachable and a confirmed person are final.
 */
import type { CarrierAnsweredBy } from './carrier-answered-by';

export type PolicyVerdict =
  | { kind: 'undecided' }
  | { kind: 'human'; provisional: boolean }
  | { kind: 'machine' }
  | { kind: 'unreachable' };

export interface VerdictFacts {
  nowMs: number;
  /** The machine-detection timeout: evidence after it changes nothing. */
  timeoutMs: number;
  turnTaking: boolean;
  operatorAnnouncement: boolean;
  beepHeard: boolean;
  /** How machine-like the audio and the words are (voicemail-score). */
  score: number;
  /** The agent's threshold for that score, before the carrier's hint moves it. */
  threshold: number;
  /** Exotel's `AnsweredBy`, when the account's machine detection reported one. */
  carrierHint: CarrierAnsweredBy | null;
  /** A short greeting then silence, or a question then silence. */
  behavedLikeAPerson: boolean;
  firstSpeechMs: number | null;
}

/** A person is declared (provisionally) this long after their first word is heard, so that with the 60 ms a word takes to be recognized as one and a 100 ms chunk the declaration stays within 2.5 s of it. */
export const HUMAN_AFTER_FIRST_WORD_MS = 2300;
/** With no word and no tone by then, the line is treated as a person who waits (the bot may speak). */
export const SILENT_LINE_HUMAN_MS = 5000;
/** Twilio's default machine-detection timeout. */
export const DEFAULT_MACHINE_TIMEOUT_MS = 30_000;

/**
 * How far Exotel's `AnsweredBy` moves the threshold: a machine hint lets a long greeting and one more
 * phrase (0.3 + 0.15) make a machine at the default 0.6; a human hint asks for more than a long greeting
 * and one strong phrase (0.65). Exotel puts its detector at about 80 % accuracy: worth half a strong phrase.
 */
export const CARRIER_HINT_SHIFT = 0.15;
/** The lowest threshold an agent may set: a machine hint never lowers it further, so a score of 0 (no audio evidence) is never a machine. */
export const LOWEST_THRESHOLD = 0.1;

/** The score that makes a machine, given the carrier's hint. */
export function machineThreshold(threshold: number, carrierHint: CarrierAnsweredBy | null): number {
  const shifted = carrierHint === 'machine' ? threshold - CARRIER_HINT_SHIFT : carrierHint === 'human' ? threshold + CARRIER_HINT_SHIFT : threshold;
  return Math.round(Math.min(1, Math.max(LOWEST_THRESHOLD, shifted)) * 100) / 100;
}

export function decideVerdict(previous: PolicyVerdict, facts: VerdictFacts): PolicyVerdict {
  if (previous.kind === 'machine' || previous.kind === 'unreachable') return previous;
  if (previous.kind === 'human' && !previous.provisional) return previous;
  if (facts.turnTaking) return { kind: 'human', provisional: false };
  if (facts.nowMs > facts.timeoutMs) return { kind: 'human', provisional: false };
  if (facts.operatorAnnouncement) return { kind: 'unreachable' };
  if (facts.beepHeard || facts.score >= machineThreshold(facts.threshold, facts.carrierHint)) return { kind: 'machine' };
  if (previous.kind === 'human') return previous;
  const timeSinceFirstWord = facts.firstSpeechMs === null ? null : facts.nowMs - facts.firstSpeechMs;
  const humanByTime = timeSinceFirstWord === null ? facts.nowMs >= SILENT_LINE_HUMAN_MS : timeSinceFirstWord >= HUMAN_AFTER_FIRST_WORD_MS;
  if (facts.behavedLikeAPerson || humanByTime) return { kind: 'human', provisional: true };
  return previous;
}
