import type { SpokenSegment } from '../greeting-cache';
import type { Utterance, UtteranceResult } from './speaker';
import type { SynthesisQueue } from './synthesis-queue';

export interface PlayedSynthesis {
  utterance: UtteranceResult;
  /** Every sentence whose audio came back whole, in order; a sentence that failed or was cut short is missing. */
  segments: SpokenSegment[];
}

/**
 * Streams synthesized sentences into an utterance as their audio arrives, in order, then waits for
 * Exotel to confirm the utterance played (or for it to be interrupted). `onSynthesized` hears of the
 * whole sentences as soon as synthesis is over, seconds before the utterance has played.
 */
export async function playSynthesized(
  queue: SynthesisQueue,
  utterance: Utterance,
  onSynthesized?: (segments: SpokenSegment[]) => void,
): Promise<PlayedSynthesis> {
  const segments: SpokenSegment[] = [];
  for await (const sentence of queue) {
    const writer = utterance.addSentence(sentence.text);
    const parts: Buffer[] = [];
    for await (const pcm of sentence.audio) {
      writer.write(pcm);
      parts.push(pcm);
    }
    writer.end(sentence.spokenBy);
    if (sentence.complete) segments.push({ text: sentence.text, pcm: Buffer.concat(parts), ...(sentence.spokenBy && { spokenBy: sentence.spokenBy }) });
  }
  onSynthesized?.(segments);
  utterance.close();
  // A queue that ended because synthesis was aborted leaves nothing more to wait for.
  if (queue.aborted) utterance.interrupt();
  return { utterance: await utterance.done, segments };
}
