import { DeepgramClient, type Deepgram } from '@deepgram/sdk';
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
 * Live speech-to-text through the real `@deepgram/sdk` v5 (DESIGN 7.2). Interim results, endpointing
 * and utterance-end events drive turn detection; `no_delay` keeps finals prompt. The SDK's automatic
 * reconnect is switched off: a silent reconnect would restart the audio timeline under us, so a
 * dropped stream is reported and the pipeline decides. The `tag` carries Exotel's call sid, which
 * is how Deepgram's usage reports (and our simulator's scripts) tell calls apart.
 */
export function createDeepgramStt(config: DeepgramSttConfig): SpeechToText {
  const client = new DeepgramClient({ apiKey: config.apiKey, baseUrl: config.baseUrl });
  return {
    async open(options: SttStreamOptions, handlers: SttHandlers): Promise<SttStream> {
      const socket = await client.listen.v1.connect({
        model: config.model,
        encoding: 'linear16',
        sample_rate: String(options.sampleRate),
        channels: '1',
        interim_results: 'true',
        endpointing: String(config.endpointingMs),
        utterance_end_ms: String(config.utteranceEndMs),
        vad_events: 'true',
        punctuate: 'true',
        smart_format: 'false',
        queryParams: { no_delay: 'true' },
        tag: options.callSid,
        reconnectAttempts: 0,
        connectionTimeoutInSeconds: CONNECT_TIMEOUT_MS / 1000,
      });
      return new DeepgramSttStream(socket, options, handlers).open();
    },
  };
}

class DeepgramSttStream implements SttStream {
  private closedByUs = false;
  private failed = false;
  private lastSentAt = Date.now();
  private keepAlive: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: ListenSocket,
    private readonly options: SttStreamOptions,
    private readonly handlers: SttHandlers,
  ) {}

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
    if (event && !this.closedByUs) this.handlers.onEvent(event);
  }

  private fail(err: Error): void {
    if (this.closedByUs || this.failed) return;
    this.failed = true;
    clearInterval(this.keepAlive);
    this.options.logger.warn({ err: err.message }, 'speech-to-text stream failed');
    this.socket.close();
    this.handlers.onFailure(err);
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
