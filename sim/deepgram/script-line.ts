import { scriptWords, type ScriptWord } from './script-words';

/**
 * One line of the caller's script being spoken. A speaker pauses at commas and full stops, and
 * Deepgram's endpointing cuts there, so a line may come in several stretches of speech. Its words
 * are handed out along the speech heard: the voiced time so far, against the time the line's
 * characters take at `msPerChar`, says how far into the line the speaker is.
 */
export class ScriptLine {
  readonly words: ScriptWord[];
  /** Share of the line's characters up to the end of each word, 0–1. */
  private readonly wordEnds: number[];
  private readonly expectedMs: number;
  private voicedMs = 0;
  private sent = 0;
  lastVoicedEndMs: number;

  constructor(text: string, msPerChar: number, startMs: number) {
    this.words = scriptWords(text);
    const length = Math.max(1, this.words.reduce((sum, word) => sum + word.punctuated.length, 0) + this.words.length - 1);
    let through = 0;
    this.wordEnds = this.words.map((word, index) => {
      through += word.punctuated.length + (index > 0 ? 1 : 0);
      return through / length;
    });
    this.expectedMs = length * msPerChar;
    this.lastVoicedEndMs = startMs;
  }

  addVoiced(fromMs: number, toMs: number): void {
    this.voicedMs += toMs - fromMs;
    this.lastVoicedEndMs = toMs;
  }

  /** Words spoken so far that no final has carried yet (what an interim shows). */
  heardSoFar(): ScriptWord[] {
    return this.words.slice(this.sent, this.sent + this.countHeard());
  }

  /** Hands out the words spoken so far (a Finalize while the caller is still talking). */
  takeHeard(): ScriptWord[] {
    return this.takeThrough(this.sent + this.countHeard() - 1);
  }

  /**
   * Hands out the words an endpoint closes: through the phrase end (a word ending in , . ? ! ; : or
   * the line's last word) nearest to how far the speaker has got, since that is where people pause.
   */
  takeAtEndpoint(): ScriptWord[] {
    const last = this.endpointWordIndex();
    return last === undefined ? [] : this.takeThrough(last);
  }

  /** The words an endpoint now would close, left in place (what an interim shows once the speaker has paused). */
  atEndpoint(): ScriptWord[] {
    const last = this.endpointWordIndex();
    return last === undefined ? [] : this.words.slice(this.sent, last + 1);
  }

  takeRest(): ScriptWord[] {
    return this.takeThrough(this.words.length - 1);
  }

  private endpointWordIndex(): number | undefined {
    const share = this.share();
    let best: number | undefined;
    for (let index = this.sent; index < this.words.length; index += 1) {
      const phraseEnd = index === this.words.length - 1 || /[,.?!;:]$/.test(this.words[index].punctuated);
      if (phraseEnd && (best === undefined || Math.abs(this.wordEnds[index] - share) < Math.abs(this.wordEnds[best] - share))) best = index;
    }
    return best;
  }

  private countHeard(): number {
    const share = this.share();
    let count = 0;
    while (this.sent + count < this.words.length && this.wordEnds[this.sent + count] <= share) count += 1;
    return count;
  }

  private takeThrough(lastIndex: number): ScriptWord[] {
    const taken = this.words.slice(this.sent, Math.max(this.sent, lastIndex + 1));
    this.sent += taken.length;
    return taken;
  }

  private share(): number {
    return this.voicedMs / this.expectedMs;
  }
}
