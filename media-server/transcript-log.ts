import type { TurnLatency } from '../domain/call-workflow-types';
import type { TtsChoice } from '../domain/speech/tts-provider-choice';
import type { VoicemailDetectionRecord } from '../domain/voicemail/detection-record';
import type { Logger } from '../lib/logger';
import type { CallRecords, GreetingPlayback, TranscriptTurn } from './call-records';

/** A write that fails is tried again this many times, then given up: the call itself goes on. */
const WRITE_ATTEMPTS = 3;
const RETRY_DELAY_MS = 300;

/**
 * The call's transcript as it happens: numbers the turns, appends each to the CallLog at once (so the
 * API shows a live transcript), one write after the other so they land in order, and keeps the
 * per-turn latency figures, written when the call ends.
 */
export class TranscriptLog {
  private count = 0;
  private readonly figures: TurnLatency[] = [];
  private ttsChoice: TtsChoice | undefined;
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly records: CallRecords,
    private readonly callLogId: string,
    private readonly logger: Logger,
  ) {}

  get turns(): number {
    return this.count;
  }

  get latency(): TurnLatency[] {
    return [...this.figures];
  }

  /** Records a turn; returns its number. */
  add(entry: Omit<TranscriptTurn, 'turn'>): number {
    this.count += 1;
    const turn: TranscriptTurn = { turn: this.count, ...entry };
    this.write('transcript turn', () => this.records.appendTurn(this.callLogId, turn));
    return turn.turn;
  }

  recordGreeting(greeting: GreetingPlayback): void {
    this.write('greeting playback', () => this.records.saveGreeting(this.callLogId, greeting));
  }

  /**
   * Kept until the call ends: written at its start, it met the workflow's own write of the answered
   * attempt, and FerretDB (which rewrites the whole document) lost one of the two.
   */
  recordTtsChoice(choice: TtsChoice): void {
    this.ttsChoice = choice;
  }

  recordVoicemailDetection(detection: VoicemailDetectionRecord): void {
    this.write('voicemail detection', () => this.records.saveVoicemailDetection(this.callLogId, detection));
  }

  addLatency(figures: TurnLatency): void {
    this.figures.push(figures);
  }

  /** Writes the latency figures and the speech provider choice, and waits for every write to land (or be given up). */
  async close(): Promise<void> {
    const choice = this.ttsChoice;
    if (choice) this.write('speech provider choice', () => this.records.saveTtsChoice(this.callLogId, choice));
    if (this.figures.length > 0) this.write('latency figures', () => this.records.saveLatency(this.callLogId, this.latency));
    await this.writes;
  }

  private write(what: string, operation: () => Promise<void>): void {
    this.writes = this.writes.then(async () => {
      for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt += 1) {
        try {
          await operation();
          return;
        } catch (err) {
          if (attempt === WRITE_ATTEMPTS) {
            this.logger.error({ err, what, callLogId: this.callLogId }, 'could not write to the call log; giving up');
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
        }
      }
    });
  }
}
