import type { TimerSet } from './timer-set';
import type { SyntheticVoice } from './synthetic-voice';

export interface VoicePace {
  /** Audio per chunk. */
  chunkMs: number;
  /** Chunks leave this many times faster than they play. */
  realtimeFactor: number;
}

export interface VoiceSink {
  chunk(audio: Buffer): void;
  end(): void;
}

/**
 * Sends a synthesized voice in chunks, the first at `firstChunkAt` (epoch ms), the rest faster than
 * real time, as streaming text-to-speech vendors do. `cancel` stops it between two chunks; `end` is then never called.
 */
export function streamVoice(voice: SyntheticVoice, sampleRate: number, pace: VoicePace, firstChunkAt: number, timers: TimerSet, sink: VoiceSink): { cancel(): void } {
  const samplesPerChunk = Math.max(1, Math.round((sampleRate * pace.chunkMs) / 1000));
  const intervalMs = pace.chunkMs / pace.realtimeFactor;
  let timer: NodeJS.Timeout | undefined;
  let sent = 0;

  const next = (): void => {
    const audio = voice.read(samplesPerChunk);
    if (audio.length > 0) sink.chunk(audio);
    sent += 1;
    if (voice.done) sink.end();
    // Due times count from the first chunk, so timer lateness does not pile up.
    else timer = timers.after(firstChunkAt + sent * intervalMs - Date.now(), next);
  };
  timer = timers.after(firstChunkAt - Date.now(), next);

  return { cancel: () => timers.cancel(timer) };
}
