import type { SpokenBy } from '../../domain/speech/tts-provider';
import type { Logger } from '../../lib/logger';

export interface SynthesizerOptions {
  voice: string;
  sampleRate: number;
  logger: Logger;
}

/** One sentence's audio; `spokenBy`, when the synthesizer knows it, names who made it once the audio has ended. */
export type SynthesisStream = AsyncIterable<Buffer> & { readonly spokenBy?: SpokenBy };

/** Speech for one call or one batch of phrases (a WebSocket vendor holds its socket this long). */
export interface SpeechSynthesizer {
  /** 16-bit little-endian mono PCM at the requested rate, streamed as it is made; aborting `signal` stops it. */
  synthesize(text: string, signal: AbortSignal): SynthesisStream;
  close(): void;
}

/** A text-to-speech vendor: the pipeline knows only this. */
export interface TextToSpeech {
  open(options: SynthesizerOptions): SpeechSynthesizer;
}
