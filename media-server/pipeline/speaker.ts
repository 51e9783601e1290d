import { turnSpeech, type SpokenBy, type TurnSpeech } from '../../domain/speech/tts-provider';
import { PcmChunker } from './pcm-frames';
import type { PacedAudioOut } from './paced-audio-out';

/** How an utterance went, by the marks Exotel returned: only sentences it confirmed as played count. */
export interface UtteranceResult {
  spokenText: string;
  interrupted: boolean;
  /** Wall time its first chunk left for Exotel; undefined if none did. */
  firstChunkAt: number | undefined;
  endedAt: number;
  /** Who spoke the played sentences, when their synthesizer said. */
  speech?: TurnSpeech;
}

export interface SentenceWriter {
  write(pcm: Buffer): void;
  /** The sentence's audio is all written; `spokenBy` names who made it. */
  end(spokenBy?: SpokenBy): void;
}

interface Sentence {
  text: string;
  markName: string;
  state: 'writing' | 'queued' | 'played' | 'silent';
  spokenBy?: SpokenBy;
}

/**
 * One thing the bot says (a greeting, a reply, a goodbye), sentence by sentence. Each sentence is
 * padded to whole chunks and followed by a mark; the bot has finished speaking only when the mark of
 * its last sentence comes back from Exotel, never when synthesis ends. Audio written after an
 * interruption belongs to a turn that is over and is dropped here.
 */
export class Utterance {
  private readonly sentences: Sentence[] = [];
  private state: 'open' | 'closed' | 'finished' = 'open';
  private firstChunkQueued = false;
  private firstChunkAt: number | undefined;
  private firstChunkListener: (() => void) | undefined;
  private resolveDone!: (result: UtteranceResult) => void;
  readonly done: Promise<UtteranceResult>;

  constructor(
    readonly id: string,
    private readonly out: PacedAudioOut,
    private readonly now: () => number,
    private readonly onFinished: (utterance: Utterance, result: UtteranceResult) => void,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  get finished(): boolean {
    return this.state === 'finished';
  }

  /** Adds a sentence to be spoken after the previous ones; its audio is written through the returned writer. */
  addSentence(text: string): SentenceWriter {
    const sentence: Sentence = { text, markName: `${this.id}.${this.sentences.length}`, state: 'writing' };
    if (this.state !== 'finished') this.sentences.push(sentence);
    const chunker = new PcmChunker();
    let bytes = 0;
    return {
      write: (pcm) => {
        if (this.state === 'finished' || sentence.state !== 'writing') return;
        bytes += pcm.length;
        for (const chunk of chunker.push(pcm)) this.enqueue(chunk);
      },
      end: (spokenBy) => {
        if (this.state === 'finished' || sentence.state !== 'writing') return;
        if (spokenBy) sentence.spokenBy = spokenBy;
        const last = chunker.flush();
        if (last) this.enqueue(last);
        if (bytes === 0) {
          sentence.state = 'silent';
          this.settle();
          return;
        }
        sentence.state = 'queued';
        this.out.enqueueMark(sentence.markName);
      },
    };
  }

  /** `listener` runs when the utterance's first chunk has been written to Exotel. */
  onFirstChunkSent(listener: () => void): void {
    this.firstChunkListener = listener;
  }

  /** No more sentences will be added. */
  close(): void {
    if (this.state !== 'open') return;
    this.state = 'closed';
    this.settle();
  }

  /** Exotel returned a mark of this utterance: everything before it has played. */
  markPlayed(name: string): void {
    const index = this.sentences.findIndex((s) => s.markName === name);
    if (index < 0 || this.state === 'finished') return;
    // Marks come back in order: an earlier sentence still waiting has played too.
    for (const sentence of this.sentences.slice(0, index + 1)) if (sentence.state === 'queued') sentence.state = 'played';
    this.settle();
  }

  /** Stops where it is: the result keeps only the sentences whose marks came back. */
  interrupt(): UtteranceResult | undefined {
    if (this.state === 'finished') return undefined;
    return this.finish(true);
  }

  private enqueue(chunk: Buffer): void {
    if (this.firstChunkQueued) {
      this.out.enqueueChunk(chunk);
      return;
    }
    this.firstChunkQueued = true;
    this.out.enqueueChunk(chunk, () => {
      this.firstChunkAt ??= this.now();
      this.firstChunkListener?.();
    });
  }

  private settle(): void {
    if (this.state !== 'closed') return;
    if (this.sentences.every((s) => s.state === 'played' || s.state === 'silent')) this.finish(false);
  }

  private finish(interrupted: boolean): UtteranceResult {
    this.state = 'finished';
    const played = this.sentences.filter((s) => s.state === 'played');
    const speech = turnSpeech(played);
    const result: UtteranceResult = {
      spokenText: played.map((s) => s.text).join(' '),
      interrupted,
      firstChunkAt: this.firstChunkAt,
      endedAt: this.now(),
      ...(speech && { speech }),
    };
    this.onFinished(this, result);
    this.resolveDone(result);
    return result;
  }
}

/**
 * The bot's voice on one call: at most one utterance at a time. Starting a new one, or interrupting,
 * clears whatever the previous one still had queued at Exotel. `onFinished` hears of every utterance
 * the moment it ends (last mark back, or interrupted), before anything else can happen on the call.
 */
export class Speaker {
  private current: Utterance | undefined;
  private counter = 0;
  private readonly byId = new Map<string, Utterance>();

  constructor(
    private readonly out: PacedAudioOut,
    private readonly onFinished: (utterance: Utterance, result: UtteranceResult) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** The utterance being spoken, if any. */
  get currentId(): string | undefined {
    return this.speaking ? this.current?.id : undefined;
  }

  /** An utterance is queued or playing and Exotel has not confirmed its end. */
  get speaking(): boolean {
    return this.current !== undefined && !this.current.finished;
  }

  start(): Utterance {
    this.interrupt();
    this.counter += 1;
    const utterance = new Utterance(`u${this.counter}`, this.out, this.now, (finished, result) => {
      this.byId.delete(finished.id);
      this.onFinished(finished, result);
    });
    this.current = utterance;
    this.byId.set(utterance.id, utterance);
    return utterance;
  }

  /** Stops the current utterance and clears Exotel's buffer. */
  interrupt(): UtteranceResult | undefined {
    const current = this.current;
    if (!current || current.finished) return undefined;
    const result = current.interrupt();
    this.out.clear();
    return result;
  }

  /** Routes a returned mark; marks of cleared or unknown utterances are ignored (Exotel may still echo them). */
  markReturned(name: string): void {
    const id = name.split('.')[0];
    this.byId.get(id)?.markPlayed(name);
  }

  stop(): void {
    this.current?.interrupt();
    this.out.close();
  }
}
