/**
 * What an attempt's CallLog keeps of voicemail detection (`voicemailDetection`), written by the media
 * server at the end of the stream and read by the voicemail analytics.
 */
export interface VoicemailDetectionRecord {
  verdict: 'human' | 'machine' | 'unreachable' | 'undecided';
  /** 0–1: how machine-like the evidence was when the verdict was given (1 for an announcement). */
  score: number;
  /** One line per piece of evidence that counted, with its weight. */
  reasons: string[];
  /** Stream milliseconds at which the verdict was given. */
  decidedAtMs: number | null;
  /** The voicemail message was started (a machine was heard and the agent has a message). */
  messageAttempted: boolean;
  /** The message played to its end. */
  messageLeft: boolean;
  /** How long the message played, in ms (to its end, or until the call ended). */
  messageDurationMs: number;
}
