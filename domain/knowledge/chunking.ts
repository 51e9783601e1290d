/**
 * A knowledge document cut into passages small enough to embed and to quote to the model: sections
 * by Markdown headings (`#` … `######`), paragraphs packed together up to `maxChars`, a paragraph too
 * long for one passage cut at sentence ends (a sentence too long at word ends, a word too long
 * anywhere). Consecutive passages of one section share up to `overlapChars` of text, so a fact split
 * across a boundary is still whole in one of them. Passages never cross a heading: each carries the
 * headings above it, which say what its sentences are about.
 */
export interface ChunkingLimits {
  maxChars: number;
  /** At most this much of a passage's end is repeated at the start of the next one in its section. */
  overlapChars: number;
}

/** About 300 tokens: enough for a few facts in context, small enough that three fit any turn's prompt. */
export const DEFAULT_CHUNKING: ChunkingLimits = { maxChars: 1200, overlapChars: 200 };

export interface TextChunk {
  /** The passage, paragraphs separated by a blank line. */
  text: string;
  /** The headings above it, outermost first, joined by " > "; null before the first heading. */
  heading: string | null;
}

interface Unit {
  text: string;
  /** Units of one paragraph are joined by a space, paragraphs by a blank line. */
  paragraph: number;
}

interface Section {
  heading: string | null;
  paragraphs: string[];
}

const ATX_HEADING = /^(#{1,6})[ \t]+(.*?)[ \t#]*$/;

export function chunkDocument(text: string, limits: ChunkingLimits = DEFAULT_CHUNKING): TextChunk[] {
  if (limits.maxChars < 1 || limits.overlapChars < 0 || limits.overlapChars * 2 > limits.maxChars) {
    throw new Error('chunking needs maxChars ≥ 1 and overlapChars at most half of it');
  }
  return sections(text).flatMap((section) => packSection(section, limits));
}

/** Embedding input for a chunk: its headings first, so a passage is found by what its section is about. */
export function embeddingText(chunk: TextChunk): string {
  return chunk.heading ? `${chunk.heading}\n${chunk.text}` : chunk.text;
}

function sections(text: string): Section[] {
  const result: Section[] = [];
  const path: string[] = [];
  let current: Section = { heading: null, paragraphs: [] };
  let paragraph: string[] = [];
  const endParagraph = () => {
    const joined = paragraph.join(' ').replace(/\s+/g, ' ').trim();
    if (joined !== '') current.paragraphs.push(joined);
    paragraph = [];
  };
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const heading = ATX_HEADING.exec(line.trim());
    if (heading) {
      endParagraph();
      if (current.paragraphs.length > 0) result.push(current);
      const level = heading[1].length;
      path.length = Math.min(path.length, level - 1);
      while (path.length < level - 1) path.push('');
      path.push(heading[2].trim());
      current = { heading: path.filter((part) => part !== '').join(' > ') || null, paragraphs: [] };
    } else if (line.trim() === '') {
      endParagraph();
    } else {
      paragraph.push(line.trim());
    }
  }
  endParagraph();
  if (current.paragraphs.length > 0) result.push(current);
  return result;
}

function packSection(section: Section, limits: ChunkingLimits): TextChunk[] {
  const units = section.paragraphs.flatMap((paragraph, index) => splitParagraph(paragraph, limits.maxChars).map((piece) => ({ text: piece, paragraph: index })));
  const chunks: TextChunk[] = [];
  let current: Unit[] = [];
  let fresh = 0;
  for (const unit of units) {
    if (current.length > 0 && joinedLength([...current, unit]) > limits.maxChars) {
      if (fresh > 0) chunks.push({ text: join(current), heading: section.heading });
      current = overlapOf(current, limits.overlapChars);
      while (current.length > 0 && joinedLength([...current, unit]) > limits.maxChars) current = current.slice(1);
      fresh = 0;
    }
    current.push(unit);
    fresh += 1;
  }
  if (fresh > 0) chunks.push({ text: join(current), heading: section.heading });
  return chunks;
}

/** The passage's trailing units that fit in `overlapChars` together. */
function overlapOf(units: Unit[], overlapChars: number): Unit[] {
  const kept: Unit[] = [];
  for (let i = units.length - 1; i >= 0; i -= 1) {
    const candidate = [units[i], ...kept];
    if (joinedLength(candidate) > overlapChars) break;
    kept.unshift(units[i]);
  }
  return kept;
}

function join(units: Unit[]): string {
  return units.map((unit, i) => (i === 0 ? '' : unit.paragraph === units[i - 1].paragraph ? ' ' : '\n\n') + unit.text).join('');
}

function joinedLength(units: Unit[]): number {
  return join(units).length;
}

/** A paragraph as units no longer than `maxChars`: itself, else its sentences, else words, else slices. */
function splitParagraph(paragraph: string, maxChars: number): string[] {
  if (paragraph.length <= maxChars) return [paragraph];
  const sentences = paragraph.match(/[^.!?]+(?:[.!?]+["')\]]*|$)\s*/g)?.map((sentence) => sentence.trim()).filter((sentence) => sentence !== '') ?? [paragraph];
  return sentences.flatMap((sentence) => (sentence.length <= maxChars ? [sentence] : splitLongSentence(sentence, maxChars)));
}

function splitLongSentence(sentence: string, maxChars: number): string[] {
  const words = sentence.split(' ').flatMap((word) => {
    const slices: string[] = [];
    for (let start = 0; start < word.length; start += maxChars) slices.push(word.slice(start, start + maxChars));
    return slices;
  });
  const pieces: string[] = [];
  let piece = '';
  for (const word of words) {
    const candidate = piece === '' ? word : `${piece} ${word}`;
    if (candidate.length <= maxChars) {
      piece = candidate;
    } else {
      pieces.push(piece);
      piece = word;
    }
  }
  if (piece !== '') pieces.push(piece);
  return pieces;
}
