import type { SpokenBy } from '../../domain/speech/tts-provider';
import type { Logger } from '../../lib/logger';
import { AsyncChannel } from './async-channel';
import { CHUNK_BYTES } from './pcm-frames';
import type { ReplyTimeline } from './reply-timeline';
import type { SpeechSynthesizer } from './tts';

export interface SynthesizedSentence {
  text: string;
  /** The sentence's audio as it streams in; ends early (without error) if synthesis failed. */
  audio: AsyncIterable<Buffer>;
  /** Set once `audio` has ended: whether it ended with the whole sentence (not failed, not aborted). */
  complete: boolean;
  /** Set once `audio` has ended, when the synthesizer says who spoke it. */
  spokenBy?: SpokenBy;
}

/**
 * Synthesizes the sentences of one utterance ahead of playback (the next sentence is made while the
 * current one streams, so there is no gap between them) and hands them over in order. Two requests
 * at a time at most: enough to stay ahead, without a burst of requests per reply at the vendor. A
 * sentence that fails is logged and skipped: the rest of the reply still plays.
 */
const MAX_PARALLEL = 2;

interface Job {
  sentence: SynthesizedSentence;
  audio: AsyncChannel<Buffer>;
  first: boolean;
}

export class SynthesisQueue implements AsyncIterable<SynthesizedSentence> {
  private readonly waiting: Job[] = [];
  private readonly ready = new AsyncChannel<SynthesizedSentence>();
  private running = 0;
  private count = 0;
  private firstByteDelay: number | undefined;

  constructor(
    private readonly synthesizer: SpeechSynthesizer,
    private readonly signal: AbortSignal,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    /** A reply's timeline, told when its first sentence is requested and has a chunk's worth of audio. */
    private readonly timeline?: ReplyTimeline,
  ) {}

  /** Time from the first sentence's request to its first audio byte, once known. */
  get firstByteMs(): number | undefined {
    return this.firstByteDelay;
  }

  get aborted(): boolean {
    return this.signal.aborted;
  }

  add(text: string): void {
    const audio = new AsyncChannel<Buffer>();
    const job: Job = { sentence: { text, audio, complete: false }, audio, first: this.count === 0 };
    this.count += 1;
    this.waiting.push(job);
    this.ready.push(job.sentence);
    this.startJobs();
  }

  /** No more sentences. */
  end(): void {
    this.ready.end();
  }

  [Symbol.asyncIterator](): AsyncIterator<SynthesizedSentence> {
    return this.ready[Symbol.asyncIterator]();
  }

  private startJobs(): void {
    while (this.running < MAX_PARALLEL && this.waiting.length > 0) {
      const job = this.waiting.shift() as Job;
      this.running += 1;
      void this.run(job).finally(() => {
        this.running -= 1;
        this.startJobs();
      });
    }
  }

  private async run(job: Job): Promise<void> {
    const requestedAt = this.now();
    const timeline = job.first ? this.timeline : undefined;
    timeline?.mark('synthesisRequested');
    let bytes = 0;
    const stream = this.synthesizer.synthesize(job.sentence.text, this.signal);
    try {
      for await (const pcm of stream) {
        if (pcm.length === 0) continue;
        if (bytes === 0 && job.first) this.firstByteDelay = this.now() - requestedAt;
        bytes += pcm.length;
        if (bytes >= CHUNK_BYTES) timeline?.mark('audioReady');
        job.audio.push(pcm);
      }
      // A first sentence shorter than a chunk is ready (padded) once its audio ends.
      if (bytes > 0) timeline?.mark('audioReady');
      job.sentence.complete = bytes > 0 && !this.signal.aborted;
    } catch (err) {
      if (!this.signal.aborted) this.logger.warn({ err, chars: job.sentence.text.length }, 'speech synthesis failed; sentence skipped');
    } finally {
      if (stream.spokenBy) job.sentence.spokenBy = stream.spokenBy;
      job.audio.end();
    }
  }
}
