import { performance } from 'node:perf_hooks';
import { END_CALL_TOOL } from '../../domain/conversation/end-call-tool';
import { SentenceSplitter } from '../../domain/conversation/sentence-splitter';
import type { Logger } from '../../lib/logger';
import { AsyncChannel } from './async-channel';
import type { LanguageModel, LlmEvent, LlmRequest } from './llm';
import { playSynthesized } from './play-synthesized';
import { ReplyTimeline } from './reply-timeline';
import type { Utterance } from './speaker';
import { SynthesisQueue } from './synthesis-queue';
import type { SpeechSynthesizer } from './tts';

export interface ReplyDeps {
  llm: LanguageModel;
  synthesizer: SpeechSynthesizer;
  /** Starts the utterance the reply speaks, once it has a first sentence. */
  startUtterance: (reply: BotReply) => Utterance;
  logger: Logger;
  now?: () => number;
}

/**
 * One bot reply: the model's stream → sentences → speech → an utterance. A reply may start "held":
 * the model runs and its sentences are synthesized (a speculative request on the caller's still-open
 * turn) but nothing is played until `release`; a held reply whose guess was wrong is aborted unheard.
 * `abort` (barge-in, hang-up) stops the model and synthesis at once; audio still in flight is dropped
 * by the utterance. How the reply was heard is the utterance's business (its returned marks).
 */
export class BotReply {
  private readonly controller = new AbortController();
  /** Each model event with the moment it arrived, so the time it then spends in Ringline is measured. */
  private readonly events = new AsyncChannel<{ event: LlmEvent; at: number }>();
  private releaseHold!: () => void;
  private readonly released = new Promise<void>((resolve) => (this.releaseHold = resolve));
  private readonly now: () => number;
  private queue: SynthesisQueue | undefined;
  private modelEndedAt = 0;
  /** The model asked to end the call (known before the reply's utterance can finish). */
  endCall = false;
  /** The model failed (after the SDK's retry); whatever it had said still plays. */
  failed = false;
  llmFirstTokenMs: number | undefined;
  readonly timeline: ReplyTimeline;
  /** Resolves when the reply is over: spoken (or not) to the end, or aborted. `spoke`: it started an utterance. */
  readonly finished: Promise<{ spoke: boolean }>;

  constructor(
    private readonly deps: ReplyDeps,
    /** A promise while something must still be added to it first (knowledge passages): the model is asked once it settles. */
    request: LlmRequest | Promise<LlmRequest>,
    /** The caller's words this reply answers (a speculative reply is kept only if the final turn says the same). */
    readonly answers: string,
    held: boolean,
  ) {
    this.now = deps.now ?? Date.now;
    this.timeline = new ReplyTimeline(held);
    if (!held) this.release();
    void this.runModel(request);
    this.finished = this.speak();
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  get ttsFirstByteMs(): number | undefined {
    return this.queue?.firstByteMs;
  }

  /** Ringline's own milliseconds on the way from the turn's decision to this reply's first audio (`ReplyTimeline`). */
  get ringlineMs(): number | undefined {
    const ms = this.timeline.ringlineMs;
    return ms === undefined ? undefined : Math.round(ms * 10) / 10;
  }

  release(): void {
    if (!this.aborted) this.timeline.mark('released');
    this.releaseHold();
  }

  abort(): void {
    this.controller.abort();
    this.events.end();
    this.releaseHold();
  }

  private async runModel(pending: LlmRequest | Promise<LlmRequest>): Promise<void> {
    try {
      // A ready request goes to the model in this same tick, as it always did; only a pending one waits.
      const request = pending instanceof Promise ? await pending : pending;
      if (this.aborted) return;
      const startedAt = this.now();
      this.timeline.mark('modelRequested');
      for await (const event of this.deps.llm.stream(request, this.controller.signal)) {
        this.llmFirstTokenMs ??= this.now() - startedAt;
        this.events.push({ event, at: performance.now() });
      }
    } catch (err) {
      if (!this.aborted) {
        this.failed = true;
        this.deps.logger.warn({ err }, 'language model failed; the turn goes unanswered');
      }
    } finally {
      this.modelEndedAt = performance.now();
      this.events.end();
    }
  }

  /**
   * A held reply already synthesizes its sentences, so that when the guess is confirmed the audio is
   * there; only the utterance (playing) waits for `release`. A wrong guess aborts the synthesis too.
   */
  private async speak(): Promise<{ spoke: boolean }> {
    const splitter = new SentenceSplitter({ firstClause: true });
    const queue = new SynthesisQueue(this.deps.synthesizer, this.controller.signal, this.deps.logger, this.now, this.timeline);
    this.queue = queue;
    let playing: Promise<boolean> | undefined;
    const play = async (): Promise<boolean> => {
      await this.released;
      if (this.aborted) return false;
      const utterance = this.deps.startUtterance(this);
      utterance.onFirstChunkSent(() => this.timeline.mark('firstChunkSent'));
      await playSynthesized(queue, utterance);
      return true;
    };
    const say = (sentences: string[], arrivedAt: number) => {
      if (this.aborted || sentences.length === 0) return;
      this.timeline.mark('firstSentence', arrivedAt);
      for (const sentence of sentences) queue.add(sentence);
      playing ??= play();
    };
    for await (const { event, at } of this.events) {
      if (this.aborted) break;
      if (event.kind === 'text') say(splitter.push(event.text), at);
      else if (event.name === END_CALL_TOOL.name) this.endCall = true;
      else this.deps.logger.warn({ tool: event.name }, 'model called an unknown tool; ignored');
    }
    say(splitter.flush(), this.modelEndedAt);
    queue.end();
    // A reply still held has said nothing yet: the caller's turn decides whether it ever does.
    await this.released;
    return { spoke: playing !== undefined && (await playing) };
  }
}
