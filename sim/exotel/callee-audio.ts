import type { AnsweringScenario } from './scenarios';
import type { SampleRate } from './stream-url';

/**
 * What the callee says on the media leg, one chunk at a time. The media leg asks for a chunk every
 * `mediaChunkMs` and sends it at real-time pace; a source that has nothing to say returns silence.
 * Scripted callees (spoken replies, a voicemail greeting and beep) plug in here per scenario.
 */
export interface CalleeAudioSource {
  /** The next `chunkBytes` bytes of 16-bit little-endian mono PCM at the stream's sample rate. */
  nextChunk(): Buffer;
}

export interface CalleeAudioContext {
  callSid: string;
  scenario: AnsweringScenario;
  sampleRate: SampleRate;
  chunkBytes: number;
}

export type CalleeAudioFactory = (context: CalleeAudioContext) => CalleeAudioSource;

export const silentCallee: CalleeAudioFactory = ({ chunkBytes }) => {
  const silence = Buffer.alloc(chunkBytes);
  return { nextChunk: () => silence };
};
