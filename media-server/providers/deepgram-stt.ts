import { DeepgramClient, type Deepgram } from '@deepgram/sdk';
import type { Logger } from '../../lib/logger';
import type { SpeechToText, SttEvent, SttHandlers, SttStream, SttStreamOptions } from '../pipeline/stt';

export interface DeepgramSttConfig {
  apiKey: string;
  baseUrl: string;
  model: string;
  endpointingMs: number;
  utteranceEndMs: number;
}

/** Deepgram closes a live stream after 10 s without audio or a message; this keeps a quiet stream open. */
const KEEP_ALIVE_AFTER_MS = 4_000;
/** The socket must be open by then, or the call goes on without recognition and ends. */
const CONNECT_TIMEOUT_MS = 5_000;

type ListenSocket = Awaited<ReturnType<DeepgramClient['listen']['v1']['connect']>>;
type ListenMessage =
  | Deepgram.listen.ListenV1Results
  | Deepgram.listen.ListenV1Metadata
  | Deepgram.listen.ListenV1UtteranceEnd
  | Deepgram.listen.ListenV1SpeechStarted;

/**
 * The `tag` of a stream opened ahead of a call, before any call sid is known: Deepgram takes tags
 * only in the handshake, so usage reports (and the simulator's scripts) see pooled streams under it.
 */
export const PREWARMED_STREAM_TAG = 'ringline-prewarmed';

/** A recognition stream opened ahead of a call, kept open by KeepAlive until a call takes it. */
export interface WarmSttStream {
  readonly sampleRate: number;
  /** Open, not failed, not closed: safe to hand to a call. */
  readonly alive: boolean;
  /** Hands the open stream to a call: from now on its results and failure go to `handlers`. */
  attach(logger: Logger, handlers: SttHandlers): SttStream;
  close(): void;
}

export interface DeepgramSpeechToText extends SpeechToText {
  /** Opens a stream for a call not yet known, resolving once the socket is open. */
  openWarm(sampleRate: number, logger: Logger): Promise<WarmSttStream>;
}

/**
 * Live speech-to-text through the real `@deepgram/sdk` v5 (DESIGN 7.2). Interim results, endpointing
 * and utterance-end events drive turn detection; `no_delay` keeps finals prompt. The SDK's automatic
 * reconnect is switched off: a silent reconnect would restart the audio timeline under us, so a
 * dropped stream is reported and the pipeline decides. The `tag` carries Exotel's call sid, which
 * is how Deepgram's usage reports (and our simulator's scripts) tell calls apart; a prewarmed stream
 * carries PREWARMED_STREAM_TAG instead.
 */
export function createDeepgramStt(config: DeepgramSttConfig): DeepgramSpeechToText {
  const client = new DeepgramClient({ apiKey: config.apiKey, baseUrl: config.baseUrl });
  const connect = (sampleRate: number, tag: string) =>
    client.listen.v1.connect({
      model: config.model,
      encoding: 'linear16',
      sample_rate: String(sampleRate),
      channels: '1',
      interim_results: 'true',
      endpointing: String(config.endpointingMs),
      utterance_end_ms: String(config.utteranceEndMs),
      vad_events: 'true',
      punctuate: 'true',
      smart_format: 'false',
      queryParams: { no_delay: 'true' },
      tag,
      reconnectAttempts: 0,
      connectionTimeoutInSeconds: CONNECT_TIMEOUT_MS / 1000,
    });
  return {
    async open(options: SttStreamOptions, handlers: SttHandlers): Promise<SttStream> {
      const stream = await new DeepgramSttStream(await connect(options.sampleRate, options.callSid), options.sampleRate, options.logger).open();
      return stream.attach(options.logger, handlers);
    },
    async openWarm(sampleRate: number, logger: Logger): Promise<WarmSttStream> {
      return new DeepgramSttStream(await connect(sampleRate, PREWARMED_STREAM_TAG), sampleRate, logger).open();
    },
  };
}

class DeepgramSttStream implements SttStream, WarmSttStream {
  private closedByUs = false;
  private failed = false;
  private lastSentAt = Date.now();
  private keepAlive: NodeJS.Timeout | undefined;
  /** Unset while the stream waits in the pool: nothing but a failure can come before audio. */
  private handlers: SttHandlers | undefined;

  constructor(
    private readonly socket: ListenSocket,
    readonly sampleRate: number,
    private logger: Logger,
  ) {}

  get alive(): boolean {
    return !this.closedByUs && !this.failed && this.socket.readyState === this.socket.socket.OPEN;
  }

  attach(logger: Logger, handlers: SttHandlers): this {
    this.logger = logger;
    this.handlers = handlers;
    return this;
  }

  async open(): Promise<this> {
    this.socket.on('message', (message) => this.received(message));
    this.socket.on('error', (err) => this.fail(err instanceof Error ? err : new Error(String(err))));
    this.socket.on('close', (event) => this.fail(new Error(`Deepgram closed the stream (${event.code})`)));
    this.socket.connect();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.socket.waitForOpen(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('Deepgram stream did not open in time')), CONNECT_TIMEOUT_MS))),
      ]);
    } catch (err) {
      this.closedByUs = true;
      this.socket.close();
      throw err instanceof Error ? err : new Error('Deepgram stream failed to open');
    } finally {
      clearTimeout(timer);
    }
    this.keepAlive = setInterval(() => this.keepQuietStreamOpen(), KEEP_ALIVE_AFTER_MS / 2);
    return this;
  }

  sendAudio(pcm: Buffer): void {
    this.send(() => this.socket.sendMedia(pcm));
  }

  finalize(): void {
    this.send(() => this.socket.sendFinalize({ type: 'Finalize' }));
  }

  close(): void {
    if (this.closedByUs) return;
    this.closedByUs = true;
    clearInterval(this.keepAlive);
    try {
      this.socket.sendCloseStream({ type: 'CloseStream' });
    } catch {
      // Already closed: nothing to flush.
    }
    this.socket.close();
  }

  private send(action: () => void): void {
    if (this.closedByUs || this.failed) return;
    try {
      action();
      this.lastSentAt = Date.now();
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private keepQuietStreamOpen(): void {
    if (Date.now() - this.lastSentAt >= KEEP_ALIVE_AFTER_MS) this.send(() => this.socket.sendKeepAlive({ type: 'KeepAlive' }));
  }

  private received(message: ListenMessage): void {
    const event = toSttEvent(message);
    if (event && !this.closedByUs) this.handlers?.onEvent(event);
  }

  private fail(err: Error): void {
    if (this.closedByUs || this.failed) return;
    this.failed = true;
    clearInterval(this.keepAlive);
    this.logger.warn({ err: err.message, pooled: !this.handlers }, 'speech-to-text stream failed');
    this.socket.close();
    this.handlers?.onFailure(err);
  }
}

function toSttEvent(message: ListenMessage): SttEvent | undefined {
  switch (message.type) {
    case 'Results': {
      const alternative = message.channel?.alternatives?.[0];
      const startMs = (message.start ?? 0) * 1000;
      return {
        kind: 'transcript',
        text: alternative?.transcript ?? '',
        isFinal: message.is_final === true,
        endsUtterance: message.speech_final === true,
        startMs,
        endMs: startMs + (message.duration ?? 0) * 1000,
        words: (alternative?.words ?? []).map((word) => ({ startMs: word.start * 1000, endMs: word.end * 1000 })),
      };
    }
    case 'UtteranceEnd':
      return { kind: 'utterance_end' };
    default:
      // Metadata, and SpeechStarted: turn-taking goes by recognised words, so noise that trips voice
      // activity detection neither interrupts the bot nor holds off the no-response prompt.
      return undefined;
  }
}
