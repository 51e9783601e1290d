import { createHash } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import type { Logger } from '../../lib/logger';
import { TimerSet } from '../shared/timer-set';
import { resolveCallerScript, type ScriptLookup } from './caller-script';
import { closingMetadataMessage, type StreamIdentity } from './listen-messages';
import type { ListenParams } from './listen-params';
import { LiveTranscriber } from './live-transcriber';
import type { DeepgramSimulatorTuning } from './simulator-options';
import type { DeepgramStats } from './stats';

/** Deepgram's NET-0001 close: no audio and no message within the timeout window. */
const IDLE_CLOSE_CODE = 1011;
const IDLE_CLOSE_REASON = 'Deepgram did not receive audio data or a text message within the timeout window. See https://dpgr.am/net0001';

export interface ListenSessionDeps {
  tuning: DeepgramSimulatorTuning;
  scriptLookup: ScriptLookup;
  stats: DeepgramStats;
  logger: Logger;
}

/**
 * One live transcription socket (`/v1/listen`), from the accepted handshake until it closes. Audio
 * and control messages are handled strictly in arrival order; those that arrive while the script is
 * still being looked up wait for it, so the first line is always the script's.
 */
export function runListenSession(socket: WebSocket, params: ListenParams, requestId: string, deps: ListenSessionDeps): void {
  const { stats } = deps;
  const logger = deps.logger.child({ requestId, tags: params.tags });
  const stream: StreamIdentity = { requestId, model: params.model, extra: params.extra };
  const createdAt = new Date();
  const audioHash = createHash('sha256');
  const timers = new TimerSet();
  const waiting: { data: RawData; isBinary: boolean }[] = [];
  let transcriber: LiveTranscriber | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  let closing = false;

  stats.listenConnections += 1;

  const send = (message: Record<string, unknown>): void => {
    if (socket.readyState !== socket.OPEN) return;
    stats.recordListenMessage(message);
    socket.send(JSON.stringify(message));
  };

  const armIdleTimer = (): void => {
    timers.cancel(idleTimer);
    idleTimer = timers.after(deps.tuning.idleTimeoutMs, () => {
      stats.idleTimeouts += 1;
      logger.info('no audio or message within the timeout window: closing (NET-0001)');
      closing = true;
      socket.close(IDLE_CLOSE_CODE, IDLE_CLOSE_REASON);
    });
  };

  const handle = (active: LiveTranscriber, data: RawData, isBinary: boolean): void => {
    if (closing) return;
    if (isBinary) {
      const chunk = toBuffer(data);
      audioHash.update(chunk);
      stats.audioSecondsReceived += chunk.length / 2 / params.sampleRate;
      active.pushAudio(chunk);
      return;
    }
    const type = controlType(data);
    if (type === 'KeepAlive') {
      stats.keepAlives += 1;
    } else if (type === 'Finalize') {
      stats.finalizes += 1;
      active.finalize();
    } else if (type === 'CloseStream') {
      closing = true;
      active.closeStream();
      send(closingMetadataMessage(stream, { sha256: audioHash.digest('hex'), durationMs: active.receivedMs, createdAt }));
      socket.close(1000);
    } else {
      logger.warn({ message: data.toString().slice(0, 200) }, 'ignored a text message that is not KeepAlive, Finalize or CloseStream');
    }
  };

  socket.on('message', (data, isBinary) => {
    armIdleTimer();
    if (transcriber) handle(transcriber, data, isBinary);
    else waiting.push({ data, isBinary });
  });

  socket.on('close', (code) => {
    timers.clearAll();
    transcriber?.dispose();
    logger.debug({ code }, 'live transcription socket closed');
  });

  armIdleTimer();
  void resolveCallerScript(params.tags, deps.scriptLookup).then((script) => {
    stats.scriptSources[script.source] += 1;
    logger.debug({ source: script.source, key: script.key }, 'script resolved');
    if (socket.readyState !== socket.OPEN) return;
    const active = new LiveTranscriber(params, deps.tuning, script, stream, send);
    transcriber = active;
    for (const { data, isBinary } of waiting.splice(0)) handle(active, data, isBinary);
  });
}

function controlType(data: RawData): unknown {
  try {
    const message: unknown = JSON.parse(toBuffer(data).toString('utf8'));
    return typeof message === 'object' && message !== null && 'type' in message ? message.type : undefined;
  } catch {
    return undefined;
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}
