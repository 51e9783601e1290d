import { DeepgramClient } from '@deepgram/sdk';
import { AsyncChannel } from '../pipeline/async-channel';
import type { SpeechSynthesizer, SynthesizerOptions, TextToSpeech } from '../pipeline/tts';
import type { DeepgramTtsConfig } from './deepgram-tts-rest';

/** A sentence whose audio has not finished (`Flushed`) by then is given up and the socket reopened. */
const SENTENCE_TIMEOUT_MS = 5_000;
const CONNECT_TIMEOUT_MS = 5_000;

type SpeakSocket = Awaited<ReturnType<DeepgramClient['speak']['v1']['connect']>>;

interface ActiveSentence {
  audio: AsyncChannel<Buffer>;
  /** Aborted: its remaining audio is discarded until Deepgram confirms the `Clear`. */
  discarding: boolean;
  finish: () => void;
}

/** A speak socket opened ahead of a call for one voice and rate, waiting in the pool. */
export interface WarmSpeakSocket {
  readonly voice: string;
  readonly sampleRate: number;
  /** Open and not closed: safe to hand to a call. */
  readonly alive: boolean;
  close(): void;
}

export interface DeepgramWsTextToSpeech extends TextToSpeech {
  /** Opens a socket for a call not yet known, resolving once it is open. */
  openWarm(voice: string, sampleRate: number): Promise<WarmSpeakSocket>;
  /** A synthesizer that speaks on `warm` (which must be alive and of the same voice and rate) first. */
  openOn(options: SynthesizerOptions, warm: WarmSpeakSocket): SpeechSynthesizer;
}

/**
 * Deepgram Aura over one WebSocket per call (DESIGN 7.2): no connection set-up per sentence. Each
 * sentence is `Speak` + `Flush`, its audio ends at `Flushed`; a barge-in sends `Clear`. Deepgram
 * allows 20 flushes a minute, about one sentence every three seconds of bot speech, which a
 * conversation that also listens stays under. Sentences go one at a time, in order.
 */
export function createDeepgramWsTts(config: DeepgramTtsConfig): DeepgramWsTextToSpeech {
  const client = new DeepgramClient({ apiKey: config.apiKey, baseUrl: config.baseUrl });
  return {
    open: (options) => new DeepgramWsSynthesizer(client, options),
    async openWarm(voice, sampleRate) {
      const socket = await openSpeakSocket(client, voice, sampleRate);
      return new PooledSpeakSocket(socket, voice, sampleRate);
    },
    openOn(options, warm) {
      if (!(warm instanceof PooledSpeakSocket)) throw new Error('not a socket of this synthesizer');
      return new DeepgramWsSynthesizer(client, options, warm.socket);
    },
  };
}

/**
 * Until a call takes it, only its end matters: the synthesizer that takes it registers its own
 * handlers, which replace these (the SDK keeps one handler per event).
 */
class PooledSpeakSocket implements WarmSpeakSocket {
  private ended = false;

  constructor(
    readonly socket: SpeakSocket,
    readonly voice: string,
    readonly sampleRate: number,
  ) {
    socket.on('message', () => undefined);
    socket.on('error', () => (this.ended = true));
    socket.on('close', () => (this.ended = true));
  }

  get alive(): boolean {
    return !this.ended && this.socket.readyState === this.socket.socket.OPEN;
  }

  close(): void {
    this.ended = true;
    closeSpeakSocket(this.socket);
  }
}

async function openSpeakSocket(client: DeepgramClient, voice: string, sampleRate: number): Promise<SpeakSocket> {
  const socket = await client.speak.v1.connect({
    model: voice,
    encoding: 'linear16',
    sample_rate: String(sampleRate),
    reconnectAttempts: 0,
    connectionTimeoutInSeconds: CONNECT_TIMEOUT_MS / 1000,
  });
  socket.connect();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      socket.waitForOpen(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('Deepgram speak socket did not open in time')), CONNECT_TIMEOUT_MS))),
    ]);
  } catch (err) {
    socket.close();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return socket;
}

function closeSpeakSocket(socket: SpeakSocket): void {
  try {
    socket.sendClose({ type: 'Close' });
  } catch {
    // Already closed.
  }
  socket.close();
}

class DeepgramWsSynthesizer implements SpeechSynthesizer {
  private socket: Promise<SpeakSocket> | undefined;
  /** The open socket; events of an older, replaced socket are ignored. */
  private current: SpeakSocket | undefined;
  private queue: Promise<void> = Promise.resolve();
  private active: ActiveSentence | undefined;
  /** Audio arrives as Blobs whose bytes are read asynchronously; this keeps them in arrival order. */
  private received: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly client: DeepgramClient,
    private readonly options: SynthesizerOptions,
    warm?: SpeakSocket,
  ) {
    if (warm) {
      this.listen(warm);
      this.current = warm;
      this.socket = Promise.resolve(warm);
    }
  }

  synthesize(text: string, signal: AbortSignal): AsyncIterable<Buffer> {
    const audio = new AsyncChannel<Buffer>();
    this.queue = this.queue.then(() => this.speak(text, signal, audio)).catch((err: unknown) => audio.fail(err));
    return audio;
  }

  close(): void {
    this.closed = true;
    const socket = this.current;
    this.current = undefined;
    this.socket = undefined;
    if (socket) closeSpeakSocket(socket);
  }

  private async speak(text: string, signal: AbortSignal, audio: AsyncChannel<Buffer>): Promise<void> {
    if (signal.aborted || this.closed) {
      audio.end();
      return;
    }
    const socket = await this.connect();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.reset(new Error('Deepgram speak socket stopped answering')), SENTENCE_TIMEOUT_MS);
      const onAbort = () => {
        sentence.discarding = true;
        audio.end();
        try {
          socket.sendClear({ type: 'Clear' });
        } catch (err) {
          this.reset(err instanceof Error ? err : new Error(String(err)));
        }
      };
      const sentence: ActiveSentence = {
        audio,
        discarding: false,
        finish: () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          audio.end();
          resolve();
        },
      };
      this.active = sentence;
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        socket.sendText({ type: 'Speak', text });
        socket.sendFlush({ type: 'Flush' });
      } catch (err) {
        this.reset(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  private connect(): Promise<SpeakSocket> {
    this.socket ??= this.open().catch((err: unknown) => {
      this.socket = undefined;
      throw err;
    });
    return this.socket;
  }

  private async open(): Promise<SpeakSocket> {
    const socket = await openSpeakSocket(this.client, this.options.voice, this.options.sampleRate);
    this.listen(socket);
    if (this.closed) {
      socket.close();
      throw new Error('synthesizer closed');
    }
    this.current = socket;
    return socket;
  }

  private listen(socket: SpeakSocket): void {
    socket.on('message', (message) => {
      if (this.current === socket) this.onMessage(message);
    });
    socket.on('error', (err) => {
      if (this.current === socket) this.reset(err instanceof Error ? err : new Error(String(err)));
    });
    socket.on('close', () => {
      if (this.current === socket) this.reset(new Error('Deepgram speak socket closed'));
    });
  }

  private onMessage(message: unknown): void {
    if (message instanceof Blob) {
      const sentence = this.active;
      this.received = this.received.then(async () => {
        const pcm = Buffer.from(await message.arrayBuffer());
        if (sentence && !sentence.discarding) sentence.audio.push(pcm);
      });
      return;
    }
    const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
    if (type === 'Flushed' || type === 'Cleared') {
      const sentence = this.active;
      this.active = undefined;
      this.received = this.received.then(() => sentence?.finish());
    } else if (type === 'Warning') {
      this.options.logger.warn({ warning: message }, 'Deepgram speak warning');
    }
  }

  /** The socket is unusable: the sentence in progress fails and the next one opens a new socket. */
  private reset(err: Error): void {
    const sentence = this.active;
    this.active = undefined;
    this.current?.close();
    this.current = undefined;
    this.socket = undefined;
    if (sentence) {
      if (!this.closed) this.options.logger.warn({ err: err.message }, 'Deepgram speak socket failed');
      sentence.audio.fail(err);
      sentence.finish();
    }
  }
}
