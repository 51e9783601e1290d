import { performance } from 'node:perf_hooks';

/**
 * When each step of one bot reply happened, on the monotonic clock (ms), so that Ringline's own time
 * on the way to the reply's first audio can be told apart from the providers' (DESIGN 5: every turn
 * records its latencies). Each mark is the moment Ringline received a provider's event or handed
 * work to a provider or to Exotel; the time between a hand-over and the provider's answer is the
 * provider's, the time between an answer and the next hand-over is Ringline's.
 */
export interface ReplyMarks {
  /** A speculative reply: the model and synthesis started before the caller's turn was decided. */
  held: boolean;
  /** Ringline decided the caller's turn was over (the event that closed it was handled). */
  decided?: number;
  /** The model request was handed to the SDK. */
  modelRequested?: number;
  /** The reply may play (at once for a reply that was not held). */
  released?: number;
  /** The model event that completed the first sentence arrived from the SDK. */
  firstSentence?: number;
  /** The first sentence was handed to speech synthesis. */
  synthesisRequested?: number;
  /** The synthesizer had given a whole first chunk (or the whole first sentence, if shorter). */
  audioReady?: number;
  /** The first chunk was written to Exotel's socket. */
  firstChunkSent?: number;
}

type Mark = Exclude<keyof ReplyMarks, 'held'>;

export class ReplyTimeline {
  readonly marks: ReplyMarks;

  constructor(held: boolean) {
    this.marks = { held };
  }

  /** Records `mark` the first time only: later sentences, chunks or releases are off the first audio's path. */
  mark(mark: Mark, at: number = performance.now()): void {
    this.marks[mark] ??= at;
  }

  get ringlineMs(): number | undefined {
    return ringlineCriticalPathMs(this.marks);
  }
}

/**
 * Ringline's time on the critical path from the turn's decision to the reply's first chunk leaving:
 * the first chunk waited for whichever came last, its audio or the release. When it waited for the
 * audio, the path runs back through synthesis and the model: Ringline's share is handing the first
 * sentence to synthesis, and (for a reply started on the decision) the model request. When a held
 * reply's audio was already there, the path is the decision → release hand-off. Undefined when the
 * reply never sent audio.
 */
export function ringlineCriticalPathMs(marks: ReplyMarks): number | undefined {
  const { decided, modelRequested, released, firstSentence, synthesisRequested, audioReady, firstChunkSent } = marks;
  if (
    decided === undefined ||
    modelRequested === undefined ||
    released === undefined ||
    firstSentence === undefined ||
    synthesisRequested === undefined ||
    audioReady === undefined ||
    firstChunkSent === undefined
  ) {
    return undefined;
  }
  const send = firstChunkSent - Math.max(audioReady, released);
  if (audioReady <= released) return released - decided + send;
  const toModel = marks.held ? 0 : modelRequested - decided;
  return toModel + (synthesisRequested - firstSentence) + send;
}
