import { randomBytes } from 'node:crypto';
import WebSocket, { type RawData } from 'ws';
import { BotAudioPlayback } from '../../sim/exotel/bot-audio-playback';

/**
 * Exotel's side of a Voicebot stream, for media server tests: connects, says `connected` and
 * `start`, streams caller audio at real-time pace (silence unless told otherwise), plays the bot's
 * audio into a simulated loudspeaker (the Exotel simulator's own), echoes marks when their audio has
 * played, honours `clear`, and can press keys, hang up (`stop`) or drop the connection. Everything
 * the bot sends is recorded with its arrival time.
 */
export interface VoicebotClientOptions {
  callSid?: string;
  sampleRate?: number;
  chunkMs?: number;
  /** Send `start` with camelCase keys and numbers as strings, as some Exotel bridges do. */
  camelCase?: boolean;
  /** The next chunk of caller audio; silence by default. */
  callerAudio?: (bytes: number) => Buffer;
}

export interface ReceivedMedia {
  bytes: number;
  at: number;
  sequenceNumber: number;
  chunk: number;
  timestamp: string;
}

export class ExotelVoicebotClient {
  readonly callSid: string;
  readonly streamSid = randomBytes(16).toString('hex');
  readonly media: ReceivedMedia[] = [];
  readonly marksReceived: string[] = [];
  readonly marksEchoed: { name: string; at: number }[] = [];
  readonly clears: number[] = [];
  readonly otherMessages: unknown[] = [];
  readonly closed: Promise<{ code: number; reason: string; at: number }>;
  startSentAt = 0;
  private readonly playback: BotAudioPlayback;
  private readonly sampleRate: number;
  private readonly chunkMs: number;
  private streamTimer: NodeJS.Timeout | undefined;
  private chunk = 0;
  private sequence = 0;
  private isClosed = false;

  private constructor(
    private readonly socket: WebSocket,
    private readonly options: VoicebotClientOptions,
  ) {
    this.callSid = options.callSid ?? randomBytes(16).toString('hex');
    this.sampleRate = options.sampleRate ?? 8000;
    this.chunkMs = options.chunkMs ?? 100;
    this.playback = new BotAudioPlayback(this.sampleRate * 2, (name) => this.echoMark(name));
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.isClosed = true;
        this.stopStreaming();
        this.playback.close();
        resolve({ code, reason: reason.toString(), at: Date.now() });
      });
    });
    socket.on('message', (data) => this.received(data));
  }

  /** Opens the socket; the server may still close it at once (a refused token). */
  static async connect(url: string, options: VoicebotClientOptions = {}): Promise<ExotelVoicebotClient> {
    const socket = new WebSocket(url);
    const client = new ExotelVoicebotClient(socket, options);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  /** `connected`, `start`, then caller audio every `chunkMs`. */
  start(): void {
    this.send({ event: 'connected' });
    const start = this.options.camelCase
      ? {
          event: 'start',
          sequenceNumber: String(this.nextSequence()),
          streamSid: this.streamSid,
          start: { streamSid: this.streamSid, callSid: this.callSid, accountSid: 'acct', mediaFormat: { encoding: 'base64', sampleRate: String(this.sampleRate) } },
        }
      : {
          event: 'start',
          sequence_number: this.nextSequence(),
          stream_sid: this.streamSid,
          start: {
            stream_sid: this.streamSid,
            call_sid: this.callSid,
            account_sid: 'acct',
            from: '+919845012000',
            to: '+918047112233',
            custom_parameters: {},
            media_format: { encoding: 'base64', sample_rate: String(this.sampleRate), bit_rate: '128kbps' },
          },
        };
    this.send(start);
    this.startSentAt = Date.now();
    this.scheduleChunk();
  }

  /** Gaps the loudspeaker heard in the middle of bot speech (audio that came late). */
  get underruns(): number {
    return this.playback.underruns;
  }

  dtmf(digit: string): void {
    this.send({ event: 'dtmf', sequence_number: this.nextSequence(), stream_sid: this.streamSid, dtmf: { digit, duration: '250' } });
  }

  sendRaw(data: string | Buffer): void {
    this.socket.send(data);
  }

  /** The caller hangs up: `stop` (callended), then Exotel closes. */
  hangUp(): void {
    this.send({ event: 'stop', sequence_number: this.nextSequence(), stream_sid: this.streamSid, stop: { call_sid: this.callSid, account_sid: 'acct', reason: 'callended' } });
    this.stopStreaming();
    this.socket.close(1000, 'call ended');
  }

  /** The connection dies without a word. */
  drop(): void {
    this.stopStreaming();
    this.socket.terminate();
  }

  close(): void {
    this.stopStreaming();
    if (!this.isClosed) this.socket.terminate();
  }

  private scheduleChunk(): void {
    const dueAt = this.startSentAt + (this.chunk + 1) * this.chunkMs;
    this.streamTimer = setTimeout(() => this.sendChunk(), Math.max(0, dueAt - Date.now()));
  }

  private sendChunk(): void {
    if (this.isClosed) return;
    const bytes = Math.round((this.sampleRate * 2 * this.chunkMs) / 1000);
    const payload = this.options.callerAudio?.(bytes) ?? Buffer.alloc(bytes);
    this.chunk += 1;
    this.send({
      event: 'media',
      sequence_number: this.nextSequence(),
      stream_sid: this.streamSid,
      media: { chunk: this.chunk, timestamp: String((this.chunk - 1) * this.chunkMs), payload: payload.toString('base64') },
    });
    this.scheduleChunk();
  }

  private stopStreaming(): void {
    clearTimeout(this.streamTimer);
    this.streamTimer = undefined;
  }

  private received(data: RawData): void {
    const message = JSON.parse(Buffer.from(data as Buffer).toString('utf8')) as Record<string, any>;
    switch (message.event) {
      case 'media': {
        const bytes = Buffer.from(message.media.payload, 'base64').length;
        this.media.push({ bytes, at: Date.now(), sequenceNumber: message.sequence_number, chunk: message.media.chunk, timestamp: message.media.timestamp });
        this.playback.enqueue(bytes);
        return;
      }
      case 'mark':
        this.marksReceived.push(message.mark.name);
        this.playback.mark(message.mark.name);
        return;
      case 'clear':
        this.clears.push(Date.now());
        this.playback.clear();
        return;
      default:
        this.otherMessages.push(message);
    }
  }

  private echoMark(name: string): void {
    if (this.isClosed) return;
    this.marksEchoed.push({ name, at: Date.now() });
    this.send({ event: 'mark', sequence_number: this.nextSequence(), stream_sid: this.streamSid, mark: { name } });
  }

  private send(message: object): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private nextSequence(): number {
    this.sequence += 1;
    return this.sequence;
  }
}
