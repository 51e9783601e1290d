import { createHash } from 'node:crypto';
import type { TimedWord } from './script-words';

/**
 * The JSON messages of Deepgram's live transcription socket, as `@deepgram/sdk` v5 types them
 * (ListenV1Results, ListenV1SpeechStarted, ListenV1UtteranceEnd, ListenV1Metadata). Times are
 * seconds from the start of the stream, rounded to milliseconds.
 */
export interface StreamIdentity {
  requestId: string;
  model: string;
  extra: Record<string, string>;
}

export interface ResultsInput {
  fromMs: number;
  toMs: number;
  words: TimedWord[];
  isFinal: boolean;
  speechFinal: boolean;
  fromFinalize: boolean;
  punctuate: boolean;
}

export function resultsMessage(stream: StreamIdentity, input: ResultsInput): Record<string, unknown> {
  const words = input.words.map((word) => ({
    word: word.word,
    start: seconds(word.startMs),
    end: seconds(word.endMs),
    confidence: word.confidence,
    ...(input.punctuate ? { punctuated_word: word.punctuated } : {}),
  }));
  const confidence = words.length === 0 ? 0 : round3(words.reduce((sum, word) => sum + word.confidence, 0) / words.length);
  return {
    type: 'Results',
    channel_index: [0, 1],
    duration: seconds(input.toMs - input.fromMs),
    start: seconds(input.fromMs),
    is_final: input.isFinal,
    speech_final: input.speechFinal,
    channel: {
      alternatives: [
        {
          transcript: input.words.map((word) => (input.punctuate ? word.punctuated : word.word)).join(' '),
          confidence,
          words,
        },
      ],
    },
    metadata: {
      request_id: stream.requestId,
      model_info: modelInfo(stream.model),
      model_uuid: modelUuid(stream.model),
      ...(Object.keys(stream.extra).length > 0 ? { extra: stream.extra } : {}),
    },
    from_finalize: input.fromFinalize,
  };
}

export function speechStartedMessage(atMs: number): Record<string, unknown> {
  return { type: 'SpeechStarted', channel: [0], timestamp: seconds(atMs) };
}

export function utteranceEndMessage(lastWordEndMs: number): Record<string, unknown> {
  return { type: 'UtteranceEnd', channel: [0, 1], last_word_end: seconds(lastWordEndMs) };
}

/** Sent once, after CloseStream, before the server closes the socket. */
export function closingMetadataMessage(stream: StreamIdentity, audio: { sha256: string; durationMs: number; createdAt: Date }): Record<string, unknown> {
  const uuid = modelUuid(stream.model);
  return {
    type: 'Metadata',
    transaction_key: 'deprecated',
    request_id: stream.requestId,
    sha256: audio.sha256,
    created: audio.createdAt.toISOString(),
    duration: seconds(audio.durationMs),
    channels: 1,
    models: [uuid],
    model_info: { [uuid]: modelInfo(stream.model) },
  };
}

function modelInfo(model: string): { name: string; version: string; arch: string } {
  return { name: model, version: '2024-01-09.29447', arch: model.split('-').slice(0, 2).join('-') };
}

/** A stable UUID-shaped id per model name, like Deepgram's fixed model uuids. */
export function modelUuid(model: string): string {
  const hex = createHash('sha256').update(model).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function seconds(ms: number): number {
  return round3(ms / 1000);
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
