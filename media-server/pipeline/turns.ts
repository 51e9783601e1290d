import { CallerTurnAssembler, type CallerTurn, type TurnCloser, type TurnProgress } from '../../domain/conversation/caller-turn';
import type { SttEvent } from './stt';

export interface CompletedTurn extends CallerTurn {
  /** Wall time the turn's final transcript arrived. */
  finalAt: number;
}

export interface SpeechProgress {
  text: string;
  speechMs: number;
  stable: boolean;
  /** Stream time where the latest result's words end: how much of the caller's speech `text` covers. */
  wordsEndMs: number;
}

export interface TurnEvents {
  /** The caller is speaking: what is recognised so far in this turn. */
  onSpeech(progress: SpeechProgress): void;
  onTurn(turn: CompletedTurn): void;
}

export interface TurnTimings {
  /** Recognised words and then nothing new for this long closes the turn, whatever the recognizer says. */
  maxSilenceMs: number;
  /** After asking the recognizer to finalize, how long its final is waited for. */
  finalizeWaitMs: number;
}

/**
 * Turn detection (DESIGN 7.2): a turn closes on the recognizer's endpointing (`speech_final`, most
 * turns), else on its utterance-end event, else on our own silence timer (noise can keep the
 * recognizer from ever deciding). When we close a turn whose last words are still interim, the
 * recognizer is told to `Finalize` and its final is awaited briefly, so the turn's text is the
 * recognizer's best and nothing of it arrives late as the start of the next turn.
 */
export class TurnDetector {
  private readonly assembler = new CallerTurnAssembler();
  private silenceTimer: NodeJS.Timeout | undefined;
  private finalizeTimer: NodeJS.Timeout | undefined;
  private finalizing: TurnCloser | undefined;
  private lastText = '';
  private lastFinalAt: number | undefined;

  constructor(
    private readonly events: TurnEvents,
    private readonly finalize: () => void,
    private readonly timings: TurnTimings,
    private readonly now: () => number = Date.now,
  ) {}

  handle(event: SttEvent): void {
    if (event.kind === 'utterance_end') {
      const progress = this.assembler.utteranceEnd();
      if (progress.kind === 'complete') this.emit(progress);
      else if (this.assembler.awaitingFinal) this.finalizeAndClose('utterance_end');
      return;
    }
    if (event.isFinal && event.text.trim() !== '') this.lastFinalAt = this.now();
    const progress = this.assembler.segment(event);
    if (progress.kind === 'complete') {
      this.emit(progress);
      return;
    }
    if (this.finalizing && event.isFinal) {
      this.emit(this.assembler.close(this.finalizing));
      return;
    }
    if (progress.kind !== 'speaking') return;
    if (progress.text !== this.lastText) {
      this.lastText = progress.text;
      this.restartSilenceTimer();
    }
    const wordsEndMs = event.words.at(-1)?.endMs ?? event.endMs;
    this.events.onSpeech({ text: progress.text, speechMs: progress.speechMs, stable: progress.stable, wordsEndMs });
  }

  close(): void {
    this.clearTimers();
  }

  private restartSilenceTimer(): void {
    clearTimeout(this.silenceTimer);
    this.silenceTimer = setTimeout(() => this.finalizeAndClose('silence'), this.timings.maxSilenceMs);
  }

  private finalizeAndClose(closer: TurnCloser): void {
    if (!this.assembler.pending || this.finalizing) return;
    if (!this.assembler.awaitingFinal) {
      this.emit(this.assembler.close(closer));
      return;
    }
    this.finalizing = closer;
    this.finalize();
    this.finalizeTimer = setTimeout(() => this.emit(this.assembler.close(closer)), this.timings.finalizeWaitMs);
  }

  private emit(progress: TurnProgress): void {
    this.clearTimers();
    this.finalizing = undefined;
    this.lastText = '';
    if (progress.kind !== 'complete') return;
    const finalAt = this.lastFinalAt ?? this.now();
    this.lastFinalAt = undefined;
    this.events.onTurn({ ...progress.turn, finalAt });
  }

  private clearTimers(): void {
    clearTimeout(this.silenceTimer);
    clearTimeout(this.finalizeTimer);
    this.silenceTimer = undefined;
    this.finalizeTimer = undefined;
  }
}
