import type { Logger } from '../../lib/logger';

export interface SynthesizerOptions {
  voice: string;
  sampleRate: number;
  logger: Logger;
}

/** Speech for one call or one batch of phrases (a WebSocket vendor holds its socket this long). */
export interface SpeechSynthesizer {
  /** 16-bit little-endian mono PCM at the requested rate, streamed as it is made; aborting `signal` stops it. */
  synthesize(text: string, signal: AbortSignal): AsyncIterable<Buffer>;
  close(): void;
}

/** A text-to-speech vendor: the pipeline knows only this. */
export interface TextToSpeech {
  open(options: SynthesizerOptions): SpeechSynthesizer;
}
