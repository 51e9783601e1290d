import { TimerSet } from '../shared/timer-set';
import type { CallerScript } from './caller-script';
import { EnergyFrames, type AudioFrame } from './energy-frames';
import type { ListenParams } from './listen-params';
import { resultsMessage, speechStartedMessage, utteranceEndMessage, type ResultsInput, type StreamIdentity } from './listen-messages';
import { ScriptLine } from './script-line';
import { timeWords, type ScriptWord } from './script-words';
import type { DeepgramSimulatorTuning } from './simulator-options';

type TranscriberTuning = Pick<
  DeepgramSimulatorTuning,
  'finalLatencyMs' | 'interimIntervalMs' | 'silenceFinalIntervalMs' | 'vadThresholdDbfs' | 'vadOnsetMs' | 'vadHangoverMs' | 'speechMsPerChar' | 'scriptLineGapMs'
>;

/** Speech between two endpoints: what one final result with `speech_final` covers. */
interface Segment {
  lastVoicedEndMs: number;
  /** Voice seen within the hangover: the caller may still be mid-word. */
  speaking: boolean;
  lastInterimAtMs: number;
  /** Where the next words of this segment start (after those a Finalize already sent). */
  wordsFromMs: number;
  /** Words of script lines that ended while this segment was still open. */
  carried: ScriptWord[];
}

interface PendingFinal {
  input: ResultsInput;
  timer: NodeJS.Timeout;
}

/**
 * The recognizer of one live stream. Every decision is taken on audio time (the PCM received so
 * far), as Deepgram's are. An energy VAD over 20 ms frames finds speech. Two clocks run on it:
 * - segments, Deepgram's: a segment opens with speech (SpeechStarted) and closes when the trailing
 *   silence reaches the endpoint, the larger of `endpointing` and the VAD hangover; its final result
 *   leaves `finalLatencyMs` later; interims show the words heard meanwhile;
 * - script lines: a line starts with speech after `scriptLineGapMs` of silence and may span several
 *   segments; ScriptLine hands its words out along the speech heard.
 * Results never overtake an earlier final: a final still waiting for its latency is sent first.
 */
export class LiveTranscriber {
  private readonly frames: EnergyFrames;
  private readonly timers = new TimerSet();
  private readonly closeGapMs: number;
  private onsetStartMs: number | undefined;
  private segment: Segment | undefined;
  private line: ScriptLine | undefined;
  private linesSeen = 0;
  private windowStartMs = 0;
  private audioMs = 0;
  private lastWordEndMs = 0;
  private pendingFinals: PendingFinal[] = [];
  /** End of the last word sent since the last UtteranceEnd; undefined when none is owed. */
  private utteranceEndOwedAfterMs: number | undefined;

  constructor(
    private readonly params: ListenParams,
    private readonly tuning: TranscriberTuning,
    private readonly script: CallerScript,
    private readonly stream: StreamIdentity,
    private readonly emit: (message: Record<string, unknown>) => void,
  ) {
    this.frames = new EnergyFrames(params.sampleRate, tuning.vadThresholdDbfs);
    this.closeGapMs = Math.max(params.endpointingMs ?? 0, tuning.vadHangoverMs);
  }

  /** Audio received so far, in milliseconds. */
  get receivedMs(): number {
    return this.frames.receivedMs;
  }

  pushAudio(chunk: Buffer): void {
    for (const frame of this.frames.push(chunk)) this.onFrame(frame);
  }

  /**
   * Deepgram's `Finalize`: whatever is pending leaves now, marked `from_finalize`. A segment whose
   * voice has stopped is closed; one still being spoken is cut at the words heard so far and goes
   * on. With nothing pending, an empty final answers.
   */
  finalize(): void {
    const hadPending = this.pendingFinals.length > 0;
    this.flushPendingFinals(true);
    const segment = this.segment;
    if (!segment) {
      if (!hadPending) this.sendResults(this.closeWindow([], { isFinal: true, speechFinal: false, fromFinalize: true }));
      return;
    }
    const taken = [...segment.carried, ...((segment.speaking ? this.line?.takeHeard() : this.line?.takeAtEndpoint()) ?? [])];
    segment.carried = [];
    const words = timeWords(taken, segment.wordsFromMs, this.spanEndMs(segment));
    this.sendResults(this.closeWindow(words, { isFinal: true, speechFinal: false, fromFinalize: true }));
    if (segment.speaking) segment.wordsFromMs = words.at(-1)?.endMs ?? segment.wordsFromMs;
    else this.segment = undefined;
  }

  /** Deepgram's `CloseStream`: everything pending or open is sent final, at once. */
  closeStream(): void {
    this.flushPendingFinals(false);
    const segment = this.segment;
    const line = this.line;
    this.segment = undefined;
    this.line = undefined;
    const taken = [...(segment?.carried ?? []), ...(line?.takeRest() ?? [])];
    if (!segment && taken.length === 0) return;
    const fromMs = segment?.wordsFromMs ?? this.lastWordEndMs;
    const words = timeWords(taken, fromMs, Math.max(fromMs, segment?.lastVoicedEndMs ?? line?.lastVoicedEndMs ?? fromMs));
    this.sendResults(this.closeWindow(words, { isFinal: true, speechFinal: false, fromFinalize: false }));
  }

  dispose(): void {
    this.timers.clearAll();
    this.pendingFinals = [];
  }

  private onFrame(frame: AudioFrame): void {
    this.audioMs = frame.endMs;
    if (frame.voiced) this.onVoiced(frame);
    else this.onUnvoiced(frame);

    const segment = this.segment;
    if (segment && this.params.interimResults && frame.endMs - segment.lastInterimAtMs >= this.tuning.interimIntervalMs) {
      segment.lastInterimAtMs = frame.endMs;
      // Once the voice has stopped, the recognizer has heard the whole phrase: the interim shows what its final will say.
      const heard = [...segment.carried, ...((segment.speaking ? this.line?.heardSoFar() : this.line?.atEndpoint()) ?? [])];
      if (heard.length > 0) {
        const words = timeWords(heard, segment.wordsFromMs, this.spanEndMs(segment));
        this.sendResults({ fromMs: this.windowStartMs, toMs: frame.endMs, words, isFinal: false, speechFinal: false, fromFinalize: false, punctuate: this.params.punctuate });
      }
    }

    const owedAfter = this.utteranceEndOwedAfterMs;
    if (this.params.utteranceEndMs !== null && this.params.interimResults && owedAfter !== undefined && !segment?.speaking) {
      if (frame.endMs - owedAfter >= this.params.utteranceEndMs) {
        // The final that carried those words goes first, however late the provider latency makes it.
        this.flushPendingFinals(false);
        this.emit(utteranceEndMessage(owedAfter));
        this.utteranceEndOwedAfterMs = undefined;
      }
    }

    if (!segment && this.onsetStartMs === undefined && frame.endMs - this.windowStartMs >= this.tuning.silenceFinalIntervalMs) {
      this.sendResults(this.closeWindow([], { isFinal: true, speechFinal: false, fromFinalize: false }));
    }
  }

  private onVoiced(frame: AudioFrame): void {
    const segment = this.segment;
    if (!segment) {
      this.onsetStartMs ??= frame.startMs;
      if (frame.endMs - this.onsetStartMs >= this.tuning.vadOnsetMs) this.openSegment(this.onsetStartMs, frame.endMs);
      return;
    }
    segment.lastVoicedEndMs = frame.endMs;
    segment.speaking = true;
    this.currentLine(frame.startMs).addVoiced(frame.startMs, frame.endMs);
  }

  private onUnvoiced(frame: AudioFrame): void {
    this.onsetStartMs = undefined;
    const segment = this.segment;
    if (segment && frame.endMs - segment.lastVoicedEndMs >= this.tuning.vadHangoverMs) segment.speaking = false;
    if (this.line && frame.endMs - this.line.lastVoicedEndMs >= this.tuning.scriptLineGapMs) this.endLine(this.line);
    if (segment && frame.endMs - segment.lastVoicedEndMs >= this.closeGapMs) this.closeSegment(segment);
  }

  private openSegment(startMs: number, voicedEndMs: number): void {
    this.onsetStartMs = undefined;
    this.segment = { lastVoicedEndMs: voicedEndMs, speaking: true, lastInterimAtMs: startMs, wordsFromMs: startMs, carried: [] };
    this.currentLine(startMs).addVoiced(startMs, voicedEndMs);
    if (this.params.vadEvents) this.emit(speechStartedMessage(startMs));
  }

  private currentLine(startMs: number): ScriptLine {
    if (!this.line) {
      this.line = new ScriptLine(this.script.line(this.linesSeen), this.tuning.speechMsPerChar, startMs);
      this.linesSeen += 1;
    }
    return this.line;
  }

  /**
   * The caller has finished a line. Words of it not yet handed out join the open segment, or, when
   * its endpoint has already passed, leave in a final of their own.
   */
  private endLine(line: ScriptLine): void {
    this.line = undefined;
    const rest = line.takeRest();
    if (rest.length === 0) return;
    if (this.segment) {
      this.segment.carried.push(...rest);
      return;
    }
    const fromMs = Math.min(this.lastWordEndMs, line.lastVoicedEndMs);
    const words = timeWords(rest, fromMs, line.lastVoicedEndMs);
    this.sendResults(this.closeWindow(words, { isFinal: true, speechFinal: this.params.endpointingMs !== null, fromFinalize: false }));
  }

  /** The endpoint is reached: the segment's final result leaves after the provider's latency. */
  private closeSegment(segment: Segment): void {
    this.segment = undefined;
    const taken = [...segment.carried, ...(this.line?.takeAtEndpoint() ?? [])];
    const words = timeWords(taken, segment.wordsFromMs, segment.lastVoicedEndMs);
    const input = this.closeWindow(words, { isFinal: true, speechFinal: this.params.endpointingMs !== null, fromFinalize: false });
    this.noteWords(input);
    const pending: PendingFinal = {
      input,
      timer: this.timers.after(this.tuning.finalLatencyMs, () => {
        this.pendingFinals = this.pendingFinals.filter((entry) => entry !== pending);
        this.emitResults(input);
      }),
    };
    this.pendingFinals.push(pending);
  }

  /** A result covering the audio since the previous final; the next one starts where this one ends. */
  private closeWindow(words: ResultsInput['words'], flags: Pick<ResultsInput, 'isFinal' | 'speechFinal' | 'fromFinalize'>): ResultsInput {
    const input: ResultsInput = { fromMs: this.windowStartMs, toMs: this.audioMs, words, ...flags, punctuate: this.params.punctuate };
    this.windowStartMs = this.audioMs;
    return input;
  }

  private sendResults(input: ResultsInput): void {
    this.flushPendingFinals(false);
    this.noteWords(input);
    this.emitResults(input);
  }

  private flushPendingFinals(fromFinalize: boolean): void {
    const pending = this.pendingFinals;
    this.pendingFinals = [];
    for (const { input, timer } of pending) {
      this.timers.cancel(timer);
      this.emitResults({ ...input, fromFinalize: input.fromFinalize || fromFinalize });
    }
  }

  private emitResults(input: ResultsInput): void {
    this.emit(resultsMessage(this.stream, input));
  }

  private noteWords(input: ResultsInput): void {
    const last = input.words.at(-1);
    if (!last) return;
    this.utteranceEndOwedAfterMs = last.endMs;
    if (input.isFinal) this.lastWordEndMs = last.endMs;
  }

  private spanEndMs(segment: Segment): number {
    return segment.speaking ? this.audioMs : segment.lastVoicedEndMs;
  }
}
