import { normalizeSpeech } from './spoken-text';

/** One result from live speech-to-text. Times are milliseconds of the caller's audio stream. */
export interface TranscriptSegment {
  text: string;
  /** The recognizer will not revise this text any more. */
  isFinal: boolean;
  /** The recognizer's endpointing heard the speaker stop (Deepgram `speech_final`). */
  endsUtterance: boolean;
  startMs: number;
  endMs: number;
  words: { startMs: number; endMs: number }[];
}

/** How a turn was closed: the recognizer's endpointing, its utterance-end fallback, or our own silence timer. */
export type TurnCloser = 'endpointing' | 'utterance_end' | 'silence';

export interface CallerTurn {
  text: string;
  speechStartMs: number;
  /** End of the caller's last word: where voice-to-voice latency starts. */
  speechEndMs: number;
  closedBy: TurnCloser;
}

export type TurnProgress =
  | { kind: 'none' }
  /** `stable`: the text stopped changing, or the caller paused after it: a fair guess at the whole turn (speculative replies start here). */
  | { kind: 'speaking'; text: string; speechMs: number; stable: boolean }
  | { kind: 'complete'; turn: CallerTurn };

/**
 * Silence the recognizer has heard after an interim's last word, longer than a gap between words:
 * the caller has paused, and the interim is what the final will most likely say.
 */
export const PAUSE_AFTER_WORDS_MS = 200;

/** The interim covers audio reaching `PAUSE_AFTER_WORDS_MS` past its last word. */
export function pausedAfterWords(segment: TranscriptSegment): boolean {
  const lastWordEnd = segment.words.at(-1)?.endMs;
  return lastWordEnd !== undefined && segment.endMs - lastWordEnd >= PAUSE_AFTER_WORDS_MS;
}

/**
 * Assembles what the caller says into turns: final segments are concatenated until the recognizer
 * reports the end of the utterance. The fallbacks (utterance-end, a silence timer) are driven from
 * outside through `utteranceEnd` and `close`, since they need clocks.
 */
export class CallerTurnAssembler {
  private finals: string[] = [];
  private interim = '';
  private firstWordStartMs: number | undefined;
  private lastWordEndMs: number | undefined;
  private lastCandidate = '';

  /** Some caller speech is recognised and not yet part of a completed turn. */
  get pending(): boolean {
    return this.finals.length > 0 || this.interim !== '';
  }

  /** Recognised words are still interim: the recognizer owes a final for them. */
  get awaitingFinal(): boolean {
    return this.interim !== '';
  }

  segment(segment: TranscriptSegment): TurnProgress {
    const text = segment.text.trim();
    if (text !== '') this.noteTiming(segment);
    if (segment.isFinal) {
      if (text !== '') this.finals.push(text);
      this.interim = '';
      if (segment.endsUtterance && this.finals.length > 0) return this.complete('endpointing');
      if (text === '') return { kind: 'none' };
      return this.progress(true);
    }
    if (text === '') return { kind: 'none' };
    this.interim = text;
    const candidate = normalizeSpeech(this.candidateText());
    const stable = candidate === this.lastCandidate || pausedAfterWords(segment);
    this.lastCandidate = candidate;
    return this.progress(stable);
  }

  /** The recognizer's utterance-end event: the turn is over unless words are still waiting for their final. */
  utteranceEnd(): TurnProgress {
    if (this.awaitingFinal || this.finals.length === 0) return { kind: 'none' };
    return this.complete('utterance_end');
  }

  /** Closes the turn with whatever was recognised, finals and interim alike. */
  close(closedBy: TurnCloser): TurnProgress {
    return this.pending ? this.complete(closedBy) : { kind: 'none' };
  }

  private noteTiming(segment: TranscriptSegment): void {
    const start = segment.words.length > 0 ? segment.words[0].startMs : segment.startMs;
    const end = segment.words.length > 0 ? segment.words[segment.words.length - 1].endMs : segment.endMs;
    this.firstWordStartMs = Math.min(this.firstWordStartMs ?? start, start);
    this.lastWordEndMs = Math.max(this.lastWordEndMs ?? end, end);
  }

  private candidateText(): string {
    return [...this.finals, this.interim].filter((part) => part !== '').join(' ');
  }

  private progress(stable: boolean): TurnProgress {
    const speechMs = (this.lastWordEndMs ?? 0) - (this.firstWordStartMs ?? 0);
    return { kind: 'speaking', text: this.candidateText(), speechMs, stable };
  }

  private complete(closedBy: TurnCloser): TurnProgress {
    const turn: CallerTurn = {
      text: this.candidateText(),
      speechStartMs: this.firstWordStartMs ?? 0,
      speechEndMs: this.lastWordEndMs ?? 0,
      closedBy,
    };
    this.finals = [];
    this.interim = '';
    this.firstWordStartMs = undefined;
    this.lastWordEndMs = undefined;
    this.lastCandidate = '';
    return { kind: 'complete', turn };
  }
}
