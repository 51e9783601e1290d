import type { VoicemailDetector, VoicemailVerdict } from './voicemail/voicemail-detector';

export type MachineVerdict = Extract<VoicemailVerdict, { kind: 'machine' }>;

/**
 * Feeds voicemail detection everything the caller side produces and watches its verdict. A person
 * ends the watch (nothing more is fed); a machine is reported once, after which audio still flows so
 * the detector can say when the beep has passed (`readyToSpeak`).
 */
export class VoicemailWatch {
  private decided: 'human' | 'machine' | undefined;
  private latest: MachineVerdict | undefined;

  constructor(
    private readonly detector: VoicemailDetector,
    private readonly onMachine: (verdict: MachineVerdict) => void,
  ) {}

  get machine(): boolean {
    return this.decided === 'machine';
  }

  audio(pcm: Buffer, atMs: number, nowMs: number): void {
    if (this.decided === 'human') return;
    this.detector.pushAudio(pcm, atMs);
    this.check(nowMs);
  }

  transcript(text: string, isFinal: boolean, atMs: number): void {
    if (this.decided === 'human') return;
    this.detector.pushTranscript(text, isFinal, atMs);
    this.check(atMs);
  }

  interaction(atMs: number): void {
    if (this.decided) return;
    this.detector.noteInteraction(atMs);
    this.check(atMs);
  }

  /** After a machine verdict: the message may be spoken now (the beep or the greeting is over). */
  readyToSpeak(): boolean {
    return this.latest?.readyToSpeak === true;
  }

  private check(nowMs: number): void {
    const verdict = this.detector.verdict(nowMs);
    if (verdict.kind === 'undecided') return;
    if (verdict.kind === 'human') {
      if (!this.decided) this.decided = 'human';
      return;
    }
    this.latest = verdict;
    if (this.decided) return;
    this.decided = 'machine';
    this.onMachine(verdict);
  }
}
