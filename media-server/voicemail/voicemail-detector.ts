/**
 * The contract between the conversation (media-server/call-session) and voicemail detection
 * (media-server/voicemail). The session feeds it everything it hears; it answers with a verdict.
 * Times are milliseconds since the media stream started.
 */
export type VoicemailVerdict =
  | { kind: 'undecided' }
  | { kind: 'human' }
  /** A machine: speak the voicemail message once `readyToSpeak` is true (after the beep or the greeting's end). */
  | { kind: 'machine'; score: number; reasons: string[]; readyToSpeak: boolean };

export interface VoicemailDetector {
  /** Caller audio: 16-bit signed little-endian mono PCM at the stream's sample rate. */
  pushAudio(pcm: Buffer, atMs: number): void;
  /** A transcript of caller speech from speech-to-text. */
  pushTranscript(text: string, isFinal: boolean, atMs: number): void;
  /** The caller answered the bot or interrupted it: interactive behaviour, evidence of a person. */
  noteInteraction(atMs: number): void;
  verdict(nowMs: number): VoicemailVerdict;
}

export interface VoicemailDetectorOptions {
  sampleRate: number;
  /** Score at or above which the verdict is `machine`. */
  threshold?: number;
  /** No verdict of `machine` after this long into the call; the default follows Asterisk AMD (5000 ms). */
  decideWithinMs?: number;
}
