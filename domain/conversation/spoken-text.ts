/**
 * Speech-to-text output compared as words: case, punctuation and spacing vary between interim and
 * final results (and between vendors) without the caller having said anything different.
 */
export function normalizeSpeech(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}'\s-]/gu, ' ')
    .split(/\s+/)
    .map(trimDashesAndQuotes)
    .filter((word) => word !== '')
    .join(' ');
}

/** Dashes and apostrophes at a word's edges are punctuation, inside it spelling ("mm-hmm", "don't"); a scan, not a backtracking regex. */
function trimDashesAndQuotes(word: string): string {
  const edge = (c: string) => c === '-' || c === "'";
  let start = 0;
  let end = word.length;
  while (start < end && edge(word[start])) start += 1;
  while (end > start && edge(word[end - 1])) end -= 1;
  return word.slice(start, end);
}

export function speechWords(text: string): string[] {
  const normalized = normalizeSpeech(text);
  return normalized === '' ? [] : normalized.split(' ');
}

export function countWords(text: string): number {
  return speechWords(text).length;
}
