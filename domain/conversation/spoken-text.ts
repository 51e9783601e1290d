/**
 * Speech-to-text output compared as words: case, punctuation and spacing vary between interim and
 * final results (and between vendors) without the caller having said anything different.
 */
export function normalizeSpeech(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}'\s-]/gu, ' ')
    .replace(/(^|\s)[-']+|[-']+(?=\s|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function speechWords(text: string): string[] {
  const normalized = normalizeSpeech(text);
  return normalized === '' ? [] : normalized.split(' ');
}

export function countWords(text: string): number {
  return speechWords(text).length;
}
