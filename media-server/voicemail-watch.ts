import type { CarrierAnsweredBy } from '../domain/voicemail/carrier-answered-by';
import type { VoicemailDecision, VoicemailDetector, VoicemailVerdict } from './voicemail/voicemail-detector';

export type MachineVerdict = Extract<VoicemailVerdict, { kind: 'machine' }>;
export type UnreachableVerdict = Extract<VoicemailVerdict, { kind: 'unreachable' }>;

export interface VoicemailWatchHandlers {
  /** A machine answered: stop talking, wait for `readyToSpeak`, leave the message. */
  machine(verdict: MachineVerdict): void;
  /** An operator or network announcement answered: end the attempt at once. */
  unreachable(verdict: UnreachableVerdict): void;
}

/**
 * Feeds voicemail detection everything the caller side produces and watches its verdict. A confirmed
 * person ends the watch (nothing more is fed); a provisional one keeps it going, since a beep or an
 * announcement may still come until the detector's timeout. A machine or an announcement is reported
 * once; after a machine, audio still flows so the detector can say when the beep has passed.
 */
export class VoicemailWatch {
  private decided: 'human' | 'machine' | 'unreachable' | undefined;
  private latest: MachineVerdict | undefined;

  constructor(
    private readonly detector: VoicemailDetector,
    private readonly handlers: VoicemailWatchHandlers,
  ) {}

  get machine(): boolean {
    return this.decided === 'machine';
  }

  /** Until the verdict is final, evidence (the carrier's hint among it) can still change it. */
  get open(): boolean {
    return this.decided === undefined;
  }

  /** What the call record keeps: the verdict, its score and reasons, and when it was given. */
  decision(): VoicemailDecision {
    return this.detector.decision();
  }

  audio(pcm: Buffer, atMs: number, nowMs: number): void {
    if (this.decided === 'human' || this.decided === 'unreachable') return;
    this.detector.pushAudio(pcm, atMs);
    this.check(nowMs);
  }

  transcript(text: string, isFinal: boolean, atMs: number): void {
    if (this.decided) return;
    this.detector.pushTranscript(text, isFinal, atMs);
    this.check(atMs);
  }

  interaction(atMs: number): void {
    if (this.decided) return;
    this.detector.noteInteraction(atMs);
    this.check(atMs);
  }

  /** Exotel's AnsweredBy, when it arrives while the verdict is open. */
  carrierHint(answeredBy: CarrierAnsweredBy, nowMs: number): void {
    if (this.decided) return;
    this.detector.noteAnsweredBy(answeredBy);
    this.check(nowMs);
  }

  /** After a machine verdict: the message may be spoken now (the beep or the greeting is over). */
  readyToSpeak(): boolean {
    return this.latest?.readyToSpeak === true;
  }

  private check(nowMs: number): void {
    const verdict = this.detector.verdict(nowMs);
    switch (verdict.kind) {
      case 'undecided':
        return;
      case 'human':
        if (!verdict.provisional) this.decided ??= 'human';
        return;
      case 'unreachable':
        if (this.decided) return;
        this.decided = 'unreachable';
        this.handlers.unreachable(verdict);
        return;
      case 'machine':
        this.latest = verdict;
        if (this.decided) return;
        this.decided = 'machine';
        this.handlers.machine(verdict);
    }
  }
}
