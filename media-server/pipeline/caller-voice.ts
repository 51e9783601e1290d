import { FRAME_MS } from '../../domain/voicemail/frame-tonality';
import { blockEnergy } from '../../domain/voicemail/spectrum';
import { classifySpeech, INITIAL_SPEECH_ACTIVITY, type SpeechActivityState } from '../../domain/voicemail/speech-activity';
import { PcmFramer } from '../voicemail/pcm-framer';

/**
 * Where the caller's voice last stopped, heard on our side of the line (an energy detector over the
 * inbound audio, as the voicemail detector uses). The recognizer says a caller paused only once its
 * own hangover is over; our own ears tell it as soon as the audio arrives, which lets a speculative
 * reply start on an interim that already holds the whole turn.
 */
export class CallerVoice {
  private readonly framer: PcmFramer;
  private activity: SpeechActivityState = INITIAL_SPEECH_ACTIVITY;
  private heardUntilMs = 0;
  /** Stream time where the last voiced frame ended; undefined before any voice. */
  voiceEndMs: number | undefined;

  constructor(sampleRate: number) {
    this.framer = new PcmFramer(sampleRate);
  }

  /** `atMs`: stream time of the chunk's first sample. */
  push(pcm: Buffer, atMs: number): void {
    for (const frame of this.framer.push(pcm, atMs)) {
      const energy = blockEnergy(frame.samples);
      const energyDb = energy === 0 ? -120 : 10 * Math.log10(energy / frame.samples.length);
      const { state, isSpeech } = classifySpeech(this.activity, energyDb);
      this.activity = state;
      this.heardUntilMs = frame.startMs + FRAME_MS;
      if (isSpeech) this.voiceEndMs = this.heardUntilMs;
    }
  }

  /** How long the caller has been quiet, as far as the audio heard so far tells; 0 while speaking or before any voice. */
  get quietMs(): number {
    return this.voiceEndMs === undefined ? 0 : this.heardUntilMs - this.voiceEndMs;
  }
}
