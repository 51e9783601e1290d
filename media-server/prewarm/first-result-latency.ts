import { percentiles } from '../../domain/analytics/percentiles';
import type { LatencyFigures, PoolMeasurement, ProviderMeasurement } from '../../domain/api-schemas/prewarming';
import type { Logger } from '../../lib/logger';
import type { LanguageModel } from '../pipeline/llm';
import type { SttHandlers, SttStream } from '../pipeline/stt';
import type { DeepgramSpeechToText } from '../providers/deepgram-stt';
import type { DeepgramWsTextToSpeech } from '../providers/deepgram-tts-ws';

export const FIRST_RESULT_DEFINITIONS = {
  stt:
    'Speech-to-text: from the moment the first 20 ms of caller audio is there to the first non-empty transcript (interim or final) of a spoken sentence sent in real time. Without the pool the live stream is opened at that moment (audio meanwhile is buffered, as on a call); with the pool it was open already.',
  tts: 'Text-to-speech: from asking for a sentence to its first audio byte. Without the pool the speak socket is opened at that moment; with the pool it was open already.',
  llm: 'Language model: from sending a one-line streamed chat request to its first token. Without the pool over a new HTTP connection; with the pool over the kept-alive one.',
} as const;

/** The sentence the probe audio says, and the one synthesized while timing text-to-speech. */
const PROBE_SENTENCE = 'Hello, this is a connection check.';
const SPOKEN_SENTENCE = 'Thank you for taking our call today.';
const SAMPLE_RATE = 8000;
const FRAME_MS = 20;
/** A sample that has not produced its first result by then is counted as a failure. */
const SAMPLE_TIMEOUT_MS = 10_000;

export interface LatencyProbeDeps {
  stt: DeepgramSpeechToText;
  tts: DeepgramWsTextToSpeech;
  /** The model over the kept-alive connection, and a way to make sure that connection is open. */
  warmLlm: { llm: LanguageModel; keepWarm(): Promise<void> };
  /** A model client on connections of its own, disposed of after one request. */
  coldLlm(): { llm: LanguageModel; dispose(): void };
  voice: string;
  llmModel: string;
  logger: Logger;
}

/**
 * Measures first-result latency of each provider with a connection opened on demand (as a call
 * without the pool) and with one opened beforehand (as a call served by the pool), alternating the
 * two so that drift in the provider's speed falls on both alike. The warm connections are its own,
 * never taken from the live pool, so calls in progress keep theirs.
 */
export async function measureFirstResultLatency(deps: LatencyProbeDeps, samples: number): Promise<PoolMeasurement> {
  const probeAudio = await synthesizeProbe(deps);
  const stt = await measurePair(samples, (warm) => sttFirstTranscript(deps, probeAudio, warm), deps.logger, 'stt');
  const tts = await measurePair(samples, (warm) => ttsFirstByte(deps, warm), deps.logger, 'tts');
  const llm = await measurePair(samples, (warm) => llmFirstToken(deps, warm), deps.logger, 'llm');
  return {
    measuredAt: new Date().toISOString(),
    samples,
    stt: { definition: FIRST_RESULT_DEFINITIONS.stt, ...stt },
    tts: { definition: FIRST_RESULT_DEFINITIONS.tts, ...tts },
    llm: { definition: FIRST_RESULT_DEFINITIONS.llm, ...llm },
  };
}

async function measurePair(
  samples: number,
  measure: (warm: boolean) => Promise<number>,
  logger: Logger,
  kind: string,
): Promise<Omit<ProviderMeasurement, 'definition'>> {
  const cold: number[] = [];
  const warm: number[] = [];
  const failures = { cold: 0, warm: 0 };
  for (let i = 0; i < samples; i += 1) {
    for (const side of ['cold', 'warm'] as const) {
      try {
        (side === 'cold' ? cold : warm).push(await measure(side === 'warm'));
      } catch (err) {
        failures[side] += 1;
        logger.warn({ err, kind, side }, 'a first-result latency sample failed');
      }
    }
  }
  return { withoutPool: figures(cold, failures.cold), withPool: figures(warm, failures.warm) };
}

function figures(samplesMs: number[], failures: number): LatencyFigures {
  const rounded = samplesMs.map((ms) => Math.round(ms * 10) / 10);
  return { ...percentiles(rounded, [50, 95, 99] as const), samplesMs: rounded, failures };
}

/** Real speech for the recognizer: the configured voice saying the probe sentence (not timed). */
async function synthesizeProbe(deps: LatencyProbeDeps): Promise<Buffer> {
  const synthesizer = deps.tts.open({ voice: deps.voice, sampleRate: SAMPLE_RATE, logger: deps.logger });
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of synthesizer.synthesize(PROBE_SENTENCE, new AbortController().signal)) chunks.push(chunk);
    return Buffer.concat(chunks);
  } finally {
    synthesizer.close();
  }
}

async function sttFirstTranscript(deps: LatencyProbeDeps, audio: Buffer, warm: boolean): Promise<number> {
  const pooled = warm ? await deps.stt.openWarm(SAMPLE_RATE, deps.logger) : undefined;
  const frameBytes = (SAMPLE_RATE * 2 * FRAME_MS) / 1000;
  let stream: SttStream | undefined;
  let timer: NodeJS.Timeout | undefined;
  let pacing: NodeJS.Timeout | undefined;
  const startedAt = performance.now();
  try {
    return await new Promise<number>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error('no transcript in time')), SAMPLE_TIMEOUT_MS);
      const handlers: SttHandlers = {
        onEvent: (event) => {
          if (event.kind === 'transcript' && event.text) resolve(performance.now() - startedAt);
        },
        onFailure: reject,
      };
      const opened = pooled ? Promise.resolve(pooled.attach(deps.logger, handlers)) : deps.stt.open({ sampleRate: SAMPLE_RATE, callSid: 'ringline-latency-probe', logger: deps.logger }, handlers);
      opened.then((open) => {
        stream = open;
        let sent = 0;
        // Frames due while the stream opened go at once, as a call's buffered audio does; the rest in real time.
        const sendDue = () => {
          const due = Math.min(audio.length, Math.floor((performance.now() - startedAt) / FRAME_MS + 1) * frameBytes);
          if (due > sent) open.sendAudio(audio.subarray(sent, due));
          sent = Math.max(sent, due);
          if (sent >= audio.length) {
            clearInterval(pacing);
            open.finalize();
          }
        };
        sendDue();
        pacing = setInterval(sendDue, FRAME_MS);
      }, reject);
    });
  } finally {
    clearTimeout(timer);
    clearInterval(pacing);
    stream?.close();
    if (!stream) pooled?.close();
  }
}

async function ttsFirstByte(deps: LatencyProbeDeps, warm: boolean): Promise<number> {
  const options = { voice: deps.voice, sampleRate: SAMPLE_RATE, logger: deps.logger };
  const pooled = warm ? await deps.tts.openWarm(deps.voice, SAMPLE_RATE) : undefined;
  const startedAt = performance.now();
  const synthesizer = pooled ? deps.tts.openOn(options, pooled) : deps.tts.open(options);
  const stop = new AbortController();
  try {
    return await withTimeout(
      (async () => {
        for await (const chunk of synthesizer.synthesize(SPOKEN_SENTENCE, stop.signal)) {
          if (chunk.length > 0) return performance.now() - startedAt;
        }
        throw new Error('no audio');
      })(),
    );
  } finally {
    stop.abort();
    synthesizer.close();
  }
}

async function llmFirstToken(deps: LatencyProbeDeps, warm: boolean): Promise<number> {
  const cold = warm ? undefined : deps.coldLlm();
  if (warm) await deps.warmLlm.keepWarm();
  const llm = cold?.llm ?? deps.warmLlm.llm;
  const stop = new AbortController();
  const startedAt = performance.now();
  try {
    return await withTimeout(
      (async () => {
        const request = { model: deps.llmModel, messages: [{ role: 'user' as const, content: 'Reply with one word: ready.' }], tools: [] };
        for await (const event of llm.stream(request, stop.signal)) {
          if (event.kind === 'text' && event.text) return performance.now() - startedAt;
        }
        throw new Error('no token');
      })(),
    );
  } finally {
    stop.abort();
    cold?.dispose();
  }
}

async function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no first result in time')), SAMPLE_TIMEOUT_MS)))]);
  } finally {
    clearTimeout(timer);
  }
}
