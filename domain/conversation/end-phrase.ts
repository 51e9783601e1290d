import { speechWords } from './spoken-text';

/** Words a caller may add around a farewell ("ok bye then") that still leave it a farewell. */
const MAX_EXTRA_WORDS = 2;

/**
 * Whether the caller's turn is a farewell from the agent's list: the phrase closes the turn ("I'll
 * call later, bye"), or the turn is little more than the phrase ("bye for now"). A phrase in the
 * middle of a longer sentence ("don't say bye yet, I have a question") is not one.
 */
export function matchesEndPhrase(text: string, endPhrases: readonly string[]): boolean {
  const words = speechWords(text);
  return endPhrases.some((phrase) => {
    const target = speechWords(phrase);
    if (target.length === 0 || words.length < target.length) return false;
    const endsWithIt = target.every((word, i) => words[words.length - target.length + i] === word);
    if (endsWithIt) return true;
    return words.length <= target.length + MAX_EXTRA_WORDS && containsSequence(words, target);
  });
}

function containsSequence(words: string[], target: string[]): boolean {
  for (let start = 0; start + target.length <= words.length; start += 1) {
    if (target.every((word, i) => words[start + i] === word)) return true;
  }
  return false;
}
