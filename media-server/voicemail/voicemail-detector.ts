import type { CarrierAnsweredBy } from '../../domain/voicemail/carrier-answered-by';

/**
 * The contract between the conversation (media-server/conversation) and voicemail detection
 * (media-server/voicemail). The session feeds it everything it hears; it answers with a verdict.
 * Times are milliseconds since the media stream started.
 */
export type VoicemailVerdict =
  | { kind: 'undecided' }
  /** A person; `provisional` while a beep or an announcement may still prove otherwise (until the timeout or turn-taking). */
  | { kind: 'human'; provisional: boolean }
  /** A machine: speak the voicemail message once `readyToSpeak` is true (after the beep or the greeting's end). */
  | { kind: 'machine'; score: number; reasons: string[]; readyToSpeak: boolean }
  /** An operator or network announcement: end the attempt at once, without a message. */
  | { kind: 'unreachable'; score: number; reasons: string[] };

/** What the call record keeps of the detection (CallLog `voicemailDetection`). */
export interface VoicemailDecision {
  verdict: 'human' | 'machine' | 'unreachable' | 'undecided';
  /** 0–1: how machine-like the evidence was when the verdict was given. */
  score: number;
  reasons: string[];
  /** Stream time at which the verdict was given (the latest one, for a provisional person who became a machine). */
  decidedAtMs: number | null;
}

export interface VoicemailDetector {
  /** Caller audio: 16-bit signed little-endian mono PCM at the stream's sample rate. */
  pushAudio(pcm: Buffer, atMs: number): void;
  /** A transcript of caller speech from speech-to-text, stamped with the end of the speech it covers. */
  pushTranscript(text: string, isFinal: boolean, atMs: number): void;
  /** The caller answered the bot or interrupted it: interactive behaviour, evidence of a person. */
  noteInteraction(atMs: number): void;
  /** Exotel's `AnsweredBy` for the leg, when the account's machine detection reported one: moves the machine threshold. */
  noteAnsweredBy(answeredBy: CarrierAnsweredBy): void;
  verdict(nowMs: number): VoicemailVerdict;
  decision(): VoicemailDecision;
}

export interface VoicemailDetectorOptions {
  sampleRate: number;
  /** Score at or above which the verdict is `machine`. */
  threshold?: number;
  /** Machine-detection timeout: no verdict of `machine` or `unreachable` after this long (default 30 s). */
  timeoutMs?: number;
}
