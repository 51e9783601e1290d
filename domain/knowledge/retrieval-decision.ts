import { isBackchannel } from '../conversation/backchannel';
import { speechWords } from '../conversation/spoken-text';

/**
 * Whether a caller's turn is worth a knowledge-base lookup before the model answers it. A lookup costs
 * an embeddings call on the reply's critical path, so it is made only for turns that ask for
 * something: never for the first turn (the caller answering the greeting: who is calling, is this a
 * good time, the early response that must come fastest), key presses, acknowledgements, greetings and
 * thanks, or turns too short to carry a question.
 */
export type RetrievalSkip = 'no_knowledge' | 'first_turn' | 'key_press' | 'backchannel' | 'courtesy' | 'too_short';

export type RetrievalDecision = { retrieve: true } | { retrieve: false; reason: RetrievalSkip };

export interface CallerTurnFacts {
  /** What the caller said (or the `[DTMF n]` line of a key press). */
  text: string;
  /** 1 for the caller's first turn of the call, counting this one. */
  callerTurn: number;
  /** The agent has at least one knowledge chunk (or its knowledge is still loading). */
  hasKnowledge: boolean;
}

/** Fewer words than this carry no question a passage could answer ("Who's this?", "Yes, speaking"). */
export const MIN_RETRIEVAL_WORDS = 3;

/** Words of greetings, thanks and farewells: a turn made only of them asks nothing. */
const COURTESY_WORDS = new Set([
  'hello', 'hi', 'hey', 'hallo', 'namaste', 'namaskar', 'good', 'morning', 'afternoon', 'evening', 'day',
  'thanks', 'thank', 'you', 'so', 'much', 'very', 'a', 'lot', 'ok', 'okay', 'yes', 'yeah', 'no', 'sir', 'madam', 'maam', 'ji',
  'dhanyavaad', 'dhanyavad', 'shukriya', 'bye', 'goodbye', 'take', 'care', 'nice', 'to', 'talk', 'great', 'there',
]);

const DTMF_LINE = /^\s*(?:\[DTMF [0-9*#A-D]\]\s*)+$/;

export function retrievalDecision(turn: CallerTurnFacts): RetrievalDecision {
  if (!turn.hasKnowledge) return { retrieve: false, reason: 'no_knowledge' };
  if (DTMF_LINE.test(turn.text)) return { retrieve: false, reason: 'key_press' };
  if (turn.callerTurn <= 1) return { retrieve: false, reason: 'first_turn' };
  const words = speechWords(turn.text);
  if (isBackchannel(turn.text)) return { retrieve: false, reason: 'backchannel' };
  if (words.every((word) => COURTESY_WORDS.has(word))) return { retrieve: false, reason: 'courtesy' };
  if (words.length < MIN_RETRIEVAL_WORDS) return { retrieve: false, reason: 'too_short' };
  return { retrieve: true };
}
