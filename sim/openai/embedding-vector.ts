import { contentWords } from './text-features';

/**
 * The simulator's embedding of a text: a hashed bag of words and character trigrams (the "hashing
 * trick"), L2-normalized. Each content word adds 1 and each trigram of it 0.3 to a bucket picked by a
 * hash of the feature, with a sign from a second hash so collisions cancel out rather than pile up.
 * Texts that share words, or parts of words, point the same way, so cosine similarity ranks passages
 * by the words they share with a question: enough for retrieval to be tested end to end, and the
 * same text always gives the same vector.
 */
const WORD_WEIGHT = 1;
const TRIGRAM_WEIGHT = 0.3;

export function simulatedEmbedding(text: string, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  const add = (feature: string, weight: number) => {
    const hash = fnv1a(feature);
    vector[hash % dimensions] += (fnv1a(`${feature}#`) & 1 ? 1 : -1) * weight;
  };
  const words = contentWords(text);
  for (const word of words) {
    add(`w:${word}`, WORD_WEIGHT);
    const padded = ` ${word} `;
    for (let i = 0; i + 3 <= padded.length; i += 1) add(`t:${padded.slice(i, i + 3)}`, TRIGRAM_WEIGHT);
  }
  let sum = 0;
  for (const value of vector) sum += value * value;
  if (sum === 0) {
    // Only function words: a fixed direction per text, still deterministic and of unit length.
    vector[fnv1a(`empty:${text}`) % dimensions] = 1;
    return vector;
  }
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < dimensions; i += 1) vector[i] *= scale;
  return vector;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
