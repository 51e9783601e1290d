import type { SpeechSynthesizer } from './tts';

/** A synthesizer that reports each failed request (not an aborted one) to `onFailure`, for metrics. */
export function observedSynthesizer(synthesizer: SpeechSynthesizer, onFailure: () => void): SpeechSynthesizer {
  return {
    synthesize(text, signal) {
      const inner = synthesizer.synthesize(text, signal);
      return {
        get spokenBy() {
          return inner.spokenBy;
        },
        async *[Symbol.asyncIterator]() {
          try {
            yield* inner;
          } catch (err) {
            if (!signal.aborted) onFailure();
            throw err;
          }
        },
      };
    },
    close: () => synthesizer.close(),
  };
}
