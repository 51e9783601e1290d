import type { TranscriptSegment } from '../../domain/conversation/caller-turn';
import type { Logger } from '../../lib/logger';

/** What live speech-to-text reports. Times are milliseconds of the audio sent on this stream. */
export type SttEvent =
  | ({ kind: 'transcript' } & TranscriptSegment)
  /** No word for a while after the last one (Deepgram `UtteranceEnd`): the fallback end of a turn. */
  | { kind: 'utterance_end' };

export interface SttStreamOptions {
  sampleRate: number;
  /** The telephony call id (Exotel CallSid), sent to the vendor as a request tag. */
  callSid: string;
  logger: Logger;
}

export interface SttHandlers {
  onEvent(event: SttEvent): void;
  /** The stream failed or closed unasked; nothing more will come from it. */
  onFailure(err: Error): void;
}

/** One live recognition stream, for the length of a call. */
export interface SttStream {
  /** 16-bit little-endian mono PCM at the stream's sample rate, in order. */
  sendAudio(pcm: Buffer): void;
  /** Asks the recognizer to finalize what it has heard so far, now. */
  finalize(): void;
  close(): void;
}

/** A speech-to-text vendor: the pipeline knows only this. */
export interface SpeechToText {
  open(options: SttStreamOptions, handlers: SttHandlers): Promise<SttStream>;
}
