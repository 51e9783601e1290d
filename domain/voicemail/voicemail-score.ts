import { LONG_GREETING_MS, LONG_INITIAL_SILENCE_MS } from './greeting-tracker';
import type { Beep } from './tone-tracker';

/**
 * The evidence for "a machine answered", gathered within the decision window. Each line of the score
 * is one of DESIGN 7.4's signals; the weights say how much each is worth on its own. Exotel's
 * `AnsweredBy` is not evidence of the call's own: it moves the threshold (verdict-policy).
 */
export interface VoicemailEvidence {
  /** The first beep heard, if any. */
  beep: Beep | null;
  /** Distinct keyword phrases heard in the transcript. */
  strongKeywords: readonly string[];
  weakKeywords: readonly string[];
  /** Length of the caller's greeting so far (see greeting-tracker). */
  greetingLengthMs: number;
  /** Silence before the first word. */
  initialSilenceMs: number;
  /** AMD's human pattern: a short greeting and then silence. */
  shortGreetingThenSilence: boolean;
  /** A final transcript ended in a question mark: the caller expects an answer. */
  askedQuestion: boolean;
  /** After yielding the turn, the caller answered or interrupted the bot (see voicemail detector). */
  interactiveReply: boolean;
  /** What a person says when answering for someone else ("can I take a message", "with me"). */
  humanPhrases: readonly string[];
}

/** Score at or above which the verdict is `machine`. */
export const VOICEMAIL_THRESHOLD = 0.6;

/** A beep is what people cannot make: on its own it reaches the threshold. */
export const BEEP_WEIGHT = 0.6;
/** Two strong phrases ("leave a message", "after the beep") are as good as a beep. */
export const STRONG_KEYWORD_WEIGHT = 0.35;
/**
 * Weak phrases count once, however many: "sorry, he's not available, he'll call you back" is a person
 * speaking for someone else, and with a long greeting two weak phrases would otherwise make a machine.
 */
export const WEAK_KEYWORD_WEIGHT = 0.15;
/**
 * Words alone never reach the threshold: "please leave a message after the tone" could be a person
 * reading it out; it takes a long greeting or a beep as well.
 */
export const MAX_KEYWORD_WEIGHT = 0.5;
/** AMD: a greeting over 1.5 s is a machine's; worth a strong phrase alone, not a verdict. */
export const LONG_GREETING_WEIGHT = 0.3;
/**
 * AMD calls a long initial silence a machine, but people who pick up a call from an unknown number
 * and wait for the caller to speak first do the same: a hint only.
 */
export const LONG_INITIAL_SILENCE_WEIGHT = 0.1;
export const SHORT_GREETING_WEIGHT = -0.3;
export const QUESTION_WEIGHT = -0.2;
/** A person speaking for someone else offers to pass a message on; a recording never does. */
export const HUMAN_PHRASE_WEIGHT = -0.3;
/** Turn-taking is the surest sign of a person: it cancels a long greeting and a weak phrase or two. */
export const INTERACTIVE_REPLY_WEIGHT = -0.4;

export interface VoicemailScore {
  /** 0–1: the weighted evidence, clamped, to two decimals (so that 0.15 + 0.15 + 0.3 is 0.6, not 0.5999…). */
  score: number;
  /** One line per piece of evidence that counted, with its weight, for logs and call records. */
  reasons: string[];
}

export function scoreVoicemail(evidence: VoicemailEvidence): VoicemailScore {
  const parts: [string, number][] = [];
  if (evidence.beep) {
    const { frequencyHz, startMs } = evidence.beep;
    parts.push([`beep ${frequencyHz} Hz at ${startMs} ms`, BEEP_WEIGHT]);
  }
  const keywordWeight = Math.min(
    MAX_KEYWORD_WEIGHT,
    evidence.strongKeywords.length * STRONG_KEYWORD_WEIGHT + (evidence.weakKeywords.length > 0 ? WEAK_KEYWORD_WEIGHT : 0),
  );
  if (keywordWeight > 0) parts.push([`keywords: ${[...evidence.strongKeywords, ...evidence.weakKeywords].join(', ')}`, keywordWeight]);
  if (evidence.greetingLengthMs >= LONG_GREETING_MS) parts.push([`greeting of ${evidence.greetingLengthMs} ms`, LONG_GREETING_WEIGHT]);
  if (evidence.initialSilenceMs >= LONG_INITIAL_SILENCE_MS) parts.push([`initial silence of ${evidence.initialSilenceMs} ms`, LONG_INITIAL_SILENCE_WEIGHT]);
  if (evidence.shortGreetingThenSilence) parts.push(['short greeting, then silence', SHORT_GREETING_WEIGHT]);
  if (evidence.askedQuestion) parts.push(['asked a question', QUESTION_WEIGHT]);
  if (evidence.interactiveReply) parts.push(['answered the bot after a pause', INTERACTIVE_REPLY_WEIGHT]);
  if (evidence.humanPhrases.length > 0) parts.push([`a person's words: ${evidence.humanPhrases.join(', ')}`, HUMAN_PHRASE_WEIGHT]);

  const total = parts.reduce((sum, [, weight]) => sum + weight, 0);
  return {
    score: Math.round(Math.min(1, Math.max(0, total)) * 100) / 100,
    reasons: parts.map(([reason, weight]) => `${reason} (${weight > 0 ? '+' : ''}${weight.toFixed(2)})`),
  };
}
