import type { SpeechSynthesizer } from './tts';

/** A synthesizer that reports each failed request (not an aborted one) to `onFailure`, for metrics. */
export function observedSynthesizer(synthesizer: SpeechSynthesizer, onFailure: () => void): SpeechSynthesizer {
  return {
    async *synthesize(text, signal) {
      try {
        yield* synthesizer.synthesize(text, signal);
      } catch (err) {
        if (!signal.aborted) onFailure();
        throw err;
      }
    },
    close: () => synthesizer.close(),
  };
}
