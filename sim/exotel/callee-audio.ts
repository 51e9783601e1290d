import type { AnsweringScenario } from './scenarios';
import type { SampleRate } from './stream-url';

/**
 * The callee's line, one chunk at a time: what the media leg carries beneath the callee's scripted
 * voice (scripted-callee.ts mixes the script's clips into it). The media leg asks for a chunk every
 * `mediaChunkMs` and sends it at real-time pace. The default is a quiet line (silence); a noisy line,
 * or any other background, plugs in here through the simulator's `calleeAudio` option.
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
