import { createHash } from 'node:crypto';

/** A word of a script line: as Deepgram writes it bare (`word`) and punctuated. */
export interface ScriptWord {
  word: string;
  punctuated: string;
}

export interface TimedWord extends ScriptWord {
  startMs: number;
  endMs: number;
  confidence: number;
}

/** "Yes, that's fine." → yes/Yes, that's/that's, fine/fine. Tokens with no letter or digit are dropped. */
export function scriptWords(line: string): ScriptWord[] {
  return line
    .split(/\s+/)
    .map((punctuated) => ({ punctuated, word: punctuated.toLowerCase().replace(/[^\p{L}\p{N}']+/gu, '').replace(/^'+|'+$/g, '') }))
    .filter(({ word }) => word !== '');
}

/** Spreads words over [fromMs, toMs] in proportion to their length, as speech roughly is. */
export function timeWords(words: ScriptWord[], fromMs: number, toMs: number): TimedWord[] {
  const total = words.reduce((sum, { word }) => sum + word.length, 0);
  const span = Math.max(0, toMs - fromMs);
  let at = fromMs;
  return words.map((word) => {
    const startMs = at;
    at += total === 0 ? 0 : (span * word.word.length) / total;
    return { ...word, startMs, endMs: at, confidence: wordConfidence(word.word) };
  });
}

/** Stable per word (0.86–0.99), so the same script gives the same results on every run. */
function wordConfidence(word: string): number {
  const byte = createHash('sha256').update(word).digest()[0];
  return Math.round((0.86 + (byte / 255) * 0.13) * 1000) / 1000;
}
