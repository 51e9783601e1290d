import { countWords } from './spoken-text';

/**
 * Cuts a streamed reply into sentences as the tokens arrive, so speech synthesis can start on the
 * first sentence while the model is still writing the rest. A boundary is a terminator (. ! ? … and
 * the Hindi danda । ॥) followed by whitespace, or a line break; a few rules keep false boundaries out:
 * decimals ("3.5" has no space after the dot), ellipses, titles and other abbreviations ("Dr. Rao",
 * "e.g. this"), initials, and list numbers ("1. Call us"). When a rule needs the next word to decide
 * ("Rs. 500" against "500 Rs. Is that"), the splitter waits for it. The same text gives the same
 * sentences however it is chunked.
 */
const TERMINATORS = new Set(['.', '!', '?', '…', '।', '॥']);
const CLOSERS = new Set(['"', "'", '”', '’', ')', ']', '»']);
const OPENERS = /^["'“‘([«]+/;

/** Words that are followed by what they qualify, never by the end of a sentence. */
const NEVER_FINAL = new Set(['mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'st', 'vs', 'e.g', 'i.e', 'approx', 'dept', 'govt', 'smt', 'shri', 'sh']);
/** Abbreviations of a unit or index: mid-sentence before a number ("No. 5", "Rs. 500"), final otherwise. */
const BEFORE_NUMBER = new Set(['no', 'nos', 'rs', 'vol', 'pg', 'pp', 'fig', 'ch', 'sec', 'art']);
/** Abbreviations that can end a sentence: they do when a capital letter follows. */
const FINAL_BEFORE_CAPITAL = new Set(['etc', 'am', 'pm', 'inc', 'ltd', 'co', 'corp', 'jr']);

/** Past this length without a boundary, a clause break (comma, semicolon, colon) is good enough. */
const SOFT_MAX_CHARS = 250;
const MIN_CLAUSE_CHARS = 80;
const CLAUSE_MARKS = new Set([',', ';', ':']);
/** A first clause shorter than this is too short to be said on its own ("Sure," "Yes,"). */
const FIRST_CLAUSE_MIN_WORDS = 4;

type Decision = 'split' | 'continue' | 'wait';

export interface SplitterOptions {
  /**
   * The first piece may end at a clause (a comma, semicolon or colon and a space) after at least
   * four words: the caller hears the reply begin that many tokens sooner, and a clause break is
   * where speech pauses anyway. Only the first piece: later ones are synthesized while it plays.
   */
  firstClause?: boolean;
}

export class SentenceSplitter {
  private buffer = '';
  private emitted = false;

  constructor(private readonly options: SplitterOptions = {}) {}

  /** Adds streamed text; returns the sentences it completed. */
  push(text: string): string[] {
    this.buffer += text;
    return this.drain(false);
  }

  /** The reply is complete: every remaining sentence, the last one without its terminator if it had none. */
  flush(): string[] {
    const sentences = this.drain(true);
    const rest = this.take(this.buffer.length);
    if (rest) sentences.push(rest);
    return sentences;
  }

  private drain(final: boolean): string[] {
    const sentences: string[] = [];
    let i = 0;
    while (i < this.buffer.length) {
      const ch = this.buffer[i];
      if (ch === '\n' || (CLAUSE_MARKS.has(ch) && this.endsFirstClause(i))) {
        this.emit(sentences, i + 1);
        i = 0;
        continue;
      }
      if (!TERMINATORS.has(ch)) {
        i += 1;
        continue;
      }
      let end = i;
      while (end + 1 < this.buffer.length && (TERMINATORS.has(this.buffer[end + 1]) || CLOSERS.has(this.buffer[end + 1]))) end += 1;
      const decision = this.decide(i, end, final);
      if (decision === 'wait') break;
      if (decision === 'split') {
        this.emit(sentences, end + 1);
        i = 0;
        continue;
      }
      i = end + 1;
    }
    if (this.buffer.length > SOFT_MAX_CHARS) this.splitAtClause(sentences);
    return sentences;
  }

  /** Terminators run from `start` to `end` (with closing quotes or brackets among them). */
  private decide(start: number, end: number, final: boolean): Decision {
    const after = end + 1;
    if (after >= this.buffer.length) return final ? 'continue' : 'wait';
    if (!/\s/.test(this.buffer[after])) return 'continue';
    const group = [...this.buffer.slice(start, end + 1)].filter((c) => TERMINATORS.has(c)).join('');
    if (/^\.{2,}$/.test(group) || /^[.…]*…[.…]*$/.test(group)) return 'continue';
    if (group !== '.') return 'split';

    const before = this.buffer.slice(0, start);
    if (/^\s*\d+$/.test(before)) return 'continue';
    const rawWord = (/\S*$/.exec(before)?.[0] ?? '').replace(OPENERS, '');
    const word = rawWord.toLowerCase();
    if (NEVER_FINAL.has(word) || isInitial(rawWord)) return 'continue';
    const needsNextWord = BEFORE_NUMBER.has(word) || FINAL_BEFORE_CAPITAL.has(word) || word.includes('.');
    if (!needsNextWord) return 'split';
    const next = /\S/.exec(this.buffer.slice(after))?.[0];
    if (next === undefined) return final ? 'continue' : 'wait';
    if (BEFORE_NUMBER.has(word)) return /\d/.test(next) ? 'continue' : 'split';
    return /\p{Lu}/u.test(next) ? 'split' : 'continue';
  }

  /** A clause mark at `at` followed by a space ("1,500" has none) ends a long enough first piece. */
  private endsFirstClause(at: number): boolean {
    if (!this.options.firstClause || this.emitted) return false;
    const next = this.buffer[at + 1];
    return next !== undefined && /\s/.test(next) && countWords(this.buffer.slice(0, at)) >= FIRST_CLAUSE_MIN_WORDS;
  }

  private splitAtClause(sentences: string[]): void {
    const window = this.buffer.slice(MIN_CLAUSE_CHARS);
    const matches = [...window.matchAll(/[,;:]\s/g)];
    const last = matches[matches.length - 1];
    const at = last?.index !== undefined ? MIN_CLAUSE_CHARS + last.index + 1 : this.buffer.lastIndexOf(' ');
    if (at > 0) this.emit(sentences, at);
  }

  private emit(sentences: string[], length: number): void {
    const sentence = this.take(length);
    if (!sentence) return;
    sentences.push(sentence);
    this.emitted = true;
  }

  /** Removes the first `length` characters; returns them as a sentence, or '' when they hold nothing speakable. */
  private take(length: number): string {
    const text = this.buffer.slice(0, length).replace(/\s+/g, ' ').trim();
    this.buffer = this.buffer.slice(length);
    return /[\p{L}\p{N}]/u.test(text) ? text : '';
  }
}

/** "J. K. Rowling": a lone capital is an initial, except the pronoun. */
function isInitial(word: string): boolean {
  return /^\p{Lu}$/u.test(word) && word !== 'I';
}

/** All the sentences of a complete text. */
export function splitSentences(text: string): string[] {
  const splitter = new SentenceSplitter();
  return [...splitter.push(text), ...splitter.flush()];
}
