import { randomUUID } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import type { Logger } from '../../lib/logger';
import { TimerSet } from '../shared/timer-set';
import { modelUuid } from './listen-messages';
import type { SpeakParams } from './speak-params';
import type { DeepgramSimulatorTuning } from './simulator-options';
import type { DeepgramStats } from './stats';
import { SyntheticVoice } from '../shared/synthetic-voice';
import { streamVoice } from '../shared/voice-streamer';

/** Deepgram allows 20 Flush messages per 60 seconds on one socket. */
const FLUSH_LIMIT = 20;
const FLUSH_WINDOW_MS = 60_000;
/** Aura's limit on the text of one Speak message. */
const MAX_SPEAK_CHARACTERS = 2000;

export interface SpeakSessionDeps {
  tuning: DeepgramSimulatorTuning;
  stats: DeepgramStats;
  logger: Logger;
}

interface FlushJob {
  sequenceId: number;
  text: string;
  flushedAt: number;
}

/**
 * One streaming TTS socket (`/v1/speak`). `Speak` text collects in a buffer; each `Flush` turns
 * the buffer into audio, streamed as binary frames and followed by `Flushed`, one flush after the
 * other. `Clear` drops the buffer, stops the audio being streamed and the flushes still queued
 * (they get no `Flushed`) and answers `Cleared`. `Close` lets queued audio finish, then closes.
 * `Flushed` and `Cleared` carry one running `sequence_id`, from 0. Metadata comes first.
 */
export function runSpeakSession(socket: WebSocket, params: SpeakParams, deps: SpeakSessionDeps): void {
  const { stats, tuning } = deps;
  const requestId = randomUUID();
  const logger = deps.logger.child({ requestId });
  const timers = new TimerSet();
  const queue: FlushJob[] = [];
  const flushTimes: number[] = [];
  let buffer = '';
  let nextSequenceId = 0;
  let playing: { cancel(): void } | undefined;
  let closeWhenIdle = false;

  stats.ttsConnections += 1;

  const sendJson = (message: Record<string, unknown>): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };

  const warn = (code: string, description: string): void => {
    stats.ttsWarnings += 1;
    sendJson({ type: 'Warning', description, code });
  };

  const playNext = (): void => {
    if (playing) return;
    const job = queue.shift();
    if (!job) {
      if (closeWhenIdle) socket.close(1000);
      return;
    }
    const voice = new SyntheticVoice(job.text, params.sampleRate, tuning.ttsMsPerChar);
    stats.charactersSynthesized += [...job.text].length;
    // A flush queued behind another waits for it, but never answers sooner than the first-byte latency.
    playing = streamVoice(voice, params.sampleRate, { chunkMs: tuning.ttsChunkMs, realtimeFactor: tuning.ttsRealtimeFactor }, Math.max(Date.now(), job.flushedAt + tuning.ttsFirstByteMs), timers, {
      chunk: (audio) => {
        stats.audioSecondsSynthesized += audio.length / 2 / params.sampleRate;
        if (socket.readyState === socket.OPEN) socket.send(audio);
      },
      end: () => {
        playing = undefined;
        sendJson({ type: 'Flushed', sequence_id: job.sequenceId });
        playNext();
      },
    });
  };

  const onFlush = (): void => {
    const now = Date.now();
    while (flushTimes.length > 0 && flushTimes[0] <= now - FLUSH_WINDOW_MS) flushTimes.shift();
    if (flushTimes.length >= FLUSH_LIMIT) {
      warn('FLUSH_LIMIT_EXCEEDED', `Flush ignored: at most ${FLUSH_LIMIT} Flush messages are processed per ${FLUSH_WINDOW_MS / 1000} seconds.`);
      return;
    }
    flushTimes.push(now);
    stats.ttsFlushes += 1;
    queue.push({ sequenceId: nextSequenceId, text: buffer, flushedAt: now });
    nextSequenceId += 1;
    buffer = '';
    playNext();
  };

  const onClear = (): void => {
    stats.ttsClears += 1;
    buffer = '';
    queue.length = 0;
    playing?.cancel();
    playing = undefined;
    sendJson({ type: 'Cleared', sequence_id: nextSequenceId });
    nextSequenceId += 1;
    if (closeWhenIdle) socket.close(1000);
  };

  const onMessage = (data: RawData, isBinary: boolean): void => {
    if (isBinary) return warn('UNEXPECTED_BINARY', 'Binary messages are not accepted on the speak socket.');
    const message = parseMessage(data);
    if (message?.type === 'Speak' && typeof message.text === 'string') {
      if ([...message.text].length > MAX_SPEAK_CHARACTERS) {
        return warn('TEXT_TOO_LONG', `Speak ignored: its text exceeds ${MAX_SPEAK_CHARACTERS} characters.`);
      }
      buffer += message.text;
    } else if (message?.type === 'Flush') {
      onFlush();
    } else if (message?.type === 'Clear') {
      onClear();
    } else if (message?.type === 'Close') {
      closeWhenIdle = true;
      if (!playing && queue.length === 0) socket.close(1000);
    } else {
      warn('UNKNOWN_MESSAGE', 'Expected a JSON message of type Speak (with text), Flush, Clear or Close.');
    }
  };

  socket.on('message', onMessage);
  socket.on('close', () => {
    timers.clearAll();
    logger.debug('speak socket closed');
  });

  sendJson({ type: 'Metadata', request_id: requestId, model_name: params.model, model_version: '2025-04-01.0', model_uuid: modelUuid(params.model) });
}

function parseMessage(data: RawData): { type?: unknown; text?: unknown } | undefined {
  try {
    const message: unknown = JSON.parse(data.toString());
    return typeof message === 'object' && message !== null ? message : undefined;
  } catch {
    return undefined;
  }
}
