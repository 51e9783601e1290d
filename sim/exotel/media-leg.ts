import { randomBytes } from 'node:crypto';
import WebSocket, { type RawData } from 'ws';
import type { Logger } from '../../lib/logger';
import { BotAudioPlayback } from './bot-audio-playback';
import type { RecordedAudio } from './recorded-audio';
import type { CalleeAudioFactory } from './callee-audio';
import type { MediaDestination } from './connect-request';
import type { HttpClient } from './http-client';
import { calleeScriptOf, type AnsweringScenario } from './scenarios';
import { ScriptedCallee, type CalleeStepLog } from './scripted-callee';
import type { SimulatorTiming } from './simulator-options';
import { parseStreamUrl, type StreamUrlInfo } from './stream-url';
import { TimerSet } from '../shared/timer-set';
import { resolveVoicebotUrl } from './voicebot-url';

/** Exotel's rules for bot audio chunks, in bytes: whole 320-byte frames, 3200 at least, 100 KB at most. */
const FRAME_BYTES = 320;
const MIN_CHUNK_BYTES = 3200;
const MAX_CHUNK_BYTES = 100 * 1024;
/** How long a bot gets to answer our close before the socket is cut. */
const CLOSE_GRACE_MS = 1000;
const CONNECT_ATTEMPTS = 2;

export interface MediaLegCall {
  callSid: string;
  accountSid: string;
  /** The customer, as the dial request wrote it. */
  from: string;
  /** The ExoPhone side. */
  to: string;
  customField: string | undefined;
  destination: MediaDestination;
  scenario: AnsweringScenario;
}

export interface MediaLegEvents {
  /** The bot closed the socket: the call is over. */
  onBotHungUp(): void;
  /** Neither the first connection nor its retry reached the bot. */
  onConnectFailed(): void;
  /** The session reached Exotel's maximum length. */
  onSessionLimit(): void;
  /** The scripted callee hung up. */
  onCalleeHungUp(): void;
}

export interface MediaLegDeps {
  http: HttpClient;
  timing: SimulatorTiming;
  voicebotUrl: string | undefined;
  calleeAudio: CalleeAudioFactory;
  logger: Logger;
  /** Set when the dial asked for a recording: both sides of the conversation go into it. */
  recording?: RecordedAudio;
}

/** Bot audio chunks that break Exotel's chunk rules; they play, but Exotel would stutter or truncate. */
interface ChunkRuleViolations {
  notWholeFrames: number;
  shorterThanMinimum: number;
  largerThanMaximum: number;
}

export interface MediaLegSnapshot {
  mode: MediaDestination['mode'];
  url: string | null;
  connectAttempts: number;
  connectErrors: string[];
  connected: boolean;
  connectedAt: string | null;
  /** From opening the WebSocket (its URL known) to the bot's accepting the upgrade; Exotel allows 10 s from answer. */
  handshakeMs: number | null;
  closedAt: string | null;
  closedBy: 'bot' | 'simulator' | null;
  streamSid: string;
  sampleRate: number | null;
  customParameters: Record<string, string>;
  chunksSent: number;
  bytesSent: number;
  mediaMessagesReceived: number;
  bytesReceived: number;
  bytesPlayed: number;
  bytesCleared: number;
  queuedMs: number;
  marksReceived: number;
  marksEchoed: string[];
  clearsReceived: number;
  unknownMessages: number;
  chunkRuleViolations: ChunkRuleViolations;
  /** From `start` sent to the bot's first audio frame received. */
  firstBotAudioMs: number | null;
  underruns: number;
  underrunMs: number;
  /** What the scripted callee has said and done so far, on the stream's timeline. */
  callee: CalleeStepLog[];
  dtmfSent: number;
}

type LegState = 'idle' | 'connecting' | 'open' | 'closing' | 'closed';

/**
 * The Voicebot / AgentStream leg of one answered call. Exotel is the WebSocket client: it connects
 * (asking the flow's Voicebot URL first in flow mode), says `connected` and `start`, streams the
 * callee's audio at real-time pace, plays the bot's audio into a simulated loudspeaker honouring
 * `mark` and `clear`, and ends with `stop` when the callee's side of the call ends.
 */
export class MediaLeg {
  private readonly timers = new TimerSet();
  private readonly streamSid = randomBytes(16).toString('hex');
  private state: LegState = 'idle';
  private socket: WebSocket | undefined;
  private stream: StreamUrlInfo | undefined;
  private callee: ScriptedCallee | undefined;
  private playback: BotAudioPlayback | undefined;
  private sequenceNumber = 0;
  private chunk = 0;
  private streamStartedAt = 0;
  private connectAttempts = 0;
  private readonly connectErrors: string[] = [];
  private connectedAt: Date | undefined;
  private handshakeStartedAt = 0;
  private closedAt: Date | undefined;
  private closedBy: 'bot' | 'simulator' | undefined;
  private chunksSent = 0;
  private bytesSent = 0;
  private mediaMessagesReceived = 0;
  private marksReceived = 0;
  private readonly marksEchoed: string[] = [];
  private clearsReceived = 0;
  private unknownMessages = 0;
  private dtmfSent = 0;
  private readonly chunkRuleViolations: ChunkRuleViolations = { notWholeFrames: 0, shorterThanMinimum: 0, largerThanMaximum: 0 };

  constructor(
    private readonly call: MediaLegCall,
    private readonly deps: MediaLegDeps,
    private readonly events: MediaLegEvents,
  ) {}

  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'connecting';
    this.attemptConnection();
  }

  /** The call is over on Exotel's side: tell the bot (`stop`, reason `callended`) and close. */
  hangUp(): void {
    if (this.state === 'idle' || this.state === 'connecting') {
      this.abort();
      return;
    }
    if (this.state !== 'open') return;
    this.send({
      event: 'stop',
      sequence_number: this.nextSequenceNumber(),
      stream_sid: this.streamSid,
      stop: { call_sid: this.call.callSid, account_sid: this.call.accountSid, reason: 'callended' },
    });
    this.state = 'closing';
    this.closedBy = 'simulator';
    const socket = this.socket as WebSocket;
    socket.close(1000, 'call ended');
    this.timers.after(CLOSE_GRACE_MS, () => socket.terminate());
  }

  /** Cuts the leg without a word (simulator stop or reset). */
  abort(): void {
    if (this.state === 'closed') return;
    this.finish('simulator');
    this.socket?.terminate();
  }

  snapshot(): MediaLegSnapshot {
    return {
      mode: this.call.destination.mode,
      url: this.stream?.url ?? null,
      connectAttempts: this.connectAttempts,
      connectErrors: [...this.connectErrors],
      connected: this.connectedAt !== undefined,
      connectedAt: this.connectedAt?.toISOString() ?? null,
      handshakeMs: this.connectedAt ? this.connectedAt.getTime() - this.handshakeStartedAt : null,
      closedAt: this.closedAt?.toISOString() ?? null,
      closedBy: this.closedBy ?? null,
      streamSid: this.streamSid,
      sampleRate: this.stream?.sampleRate ?? null,
      customParameters: { ...this.stream?.customParameters },
      chunksSent: this.chunksSent,
      bytesSent: this.bytesSent,
      mediaMessagesReceived: this.mediaMessagesReceived,
      bytesReceived: this.playback?.bytesReceived ?? 0,
      bytesPlayed: this.playback?.bytesPlayed() ?? 0,
      bytesCleared: this.playback?.bytesCleared ?? 0,
      queuedMs: this.playback?.queuedMs() ?? 0,
      marksReceived: this.marksReceived,
      marksEchoed: [...this.marksEchoed],
      clearsReceived: this.clearsReceived,
      unknownMessages: this.unknownMessages,
      chunkRuleViolations: { ...this.chunkRuleViolations },
      firstBotAudioMs:
        this.playback?.firstAudioAt !== undefined && this.streamStartedAt ? this.playback.firstAudioAt - this.streamStartedAt : null,
      underruns: this.playback?.underruns ?? 0,
      underrunMs: Math.round(this.playback?.underrunMs ?? 0),
      callee: this.callee?.log() ?? [],
      dtmfSent: this.dtmfSent,
    };
  }

  private attemptConnection(): void {
    this.connectAttempts += 1;
    void this.connect().catch((err: unknown) => this.connectionFailed(err));
  }

  private async connect(): Promise<void> {
    const stream = await this.resolveStream();
    if (this.state !== 'connecting') return;
    this.stream = stream;
    this.handshakeStartedAt = Date.now();
    const socket = new WebSocket(stream.url, { handshakeTimeout: this.deps.timing.mediaConnectTimeoutMs });
    this.socket = socket;
    let lastError: Error | undefined;
    socket.on('error', (err) => {
      lastError = err;
    });
    socket.on('open', () => this.opened(socket));
    socket.on('message', (data, isBinary) => this.received(data, isBinary));
    socket.on('close', () => {
      if (socket !== this.socket) return;
      if (this.state === 'connecting') this.connectionFailed(lastError ?? new Error('closed before the handshake finished'));
      else if (this.state === 'open') this.finish('bot');
      else if (this.state === 'closing') this.finish('simulator');
    });
  }

  private async resolveStream(): Promise<StreamUrlInfo> {
    const { destination } = this.call;
    if (destination.mode === 'stream') return destination.stream;
    if (!this.deps.voicebotUrl) throw new Error('flow mode needs the simulator option voicebotUrl (the Voicebot applet URL)');
    const url = await resolveVoicebotUrl(
      this.deps.http,
      this.deps.voicebotUrl,
      { callSid: this.call.callSid, callFrom: this.call.from, callTo: this.call.to, customField: this.call.customField },
      this.deps.timing.voicebotUrlTimeoutMs,
    );
    const stream = parseStreamUrl(url);
    if ('problem' in stream) throw new Error(`the WebSocket URL from the Voicebot URL ${stream.problem}`);
    return stream;
  }

  private connectionFailed(err: unknown): void {
    if (this.state !== 'connecting') return;
    const message = err instanceof Error ? err.message : String(err);
    this.connectErrors.push(message);
    this.deps.logger.warn({ callSid: this.call.callSid, attempt: this.connectAttempts, err: message }, 'media connection failed');
    this.socket?.terminate();
    this.socket = undefined;
    if (this.connectAttempts < CONNECT_ATTEMPTS) {
      this.timers.after(this.deps.timing.mediaRetryDelayMs, () => {
        if (this.state === 'connecting') this.attemptConnection();
      });
      return;
    }
    this.finish('simulator');
    this.events.onConnectFailed();
  }

  private opened(socket: WebSocket): void {
    if (socket !== this.socket || this.state !== 'connecting') return;
    const stream = this.stream as StreamUrlInfo;
    this.state = 'open';
    this.connectedAt = new Date();
    const bytesPerSecond = stream.sampleRate * 2;
    this.deps.recording?.useSampleRate(stream.sampleRate);
    const chunkBytes = Math.round((bytesPerSecond * this.deps.timing.mediaChunkMs) / 1000);
    this.playback = new BotAudioPlayback(bytesPerSecond, (name) => this.echoMark(name));
    this.callee = new ScriptedCallee({
      script: calleeScriptOf(this.call.scenario),
      sampleRate: stream.sampleRate,
      chunkMs: this.deps.timing.mediaChunkMs,
      line: this.deps.calleeAudio({ callSid: this.call.callSid, scenario: this.call.scenario, sampleRate: stream.sampleRate, chunkBytes }),
      bot: this.playback,
    });
    this.deps.logger.info({ callSid: this.call.callSid, streamSid: this.streamSid }, 'media leg connected');

    this.send({ event: 'connected' });
    this.send({
      event: 'start',
      sequence_number: this.nextSequenceNumber(),
      stream_sid: this.streamSid,
      start: {
        stream_sid: this.streamSid,
        call_sid: this.call.callSid,
        account_sid: this.call.accountSid,
        from: this.call.from,
        to: this.call.to,
        custom_parameters: stream.customParameters,
        media_format: { encoding: 'base64', sample_rate: String(stream.sampleRate), bit_rate: `${(stream.sampleRate * 16) / 1000}kbps` },
      },
    });
    this.streamStartedAt = Date.now();
    this.scheduleNextChunk();
    this.timers.after(this.deps.timing.maxMediaSessionMs, () => this.events.onSessionLimit());
  }

  /** Chunk n leaves at start + n × chunk length, so timer drift never accumulates. */
  private scheduleNextChunk(): void {
    const dueAt = this.streamStartedAt + (this.chunk + 1) * this.deps.timing.mediaChunkMs;
    this.timers.after(dueAt - Date.now(), () => this.sendChunk());
  }

  private sendChunk(): void {
    if (this.state !== 'open') return;
    const turn = (this.callee as ScriptedCallee).nextChunk();
    const payload = turn.pcm;
    this.chunk += 1;
    this.send({
      event: 'media',
      sequence_number: this.nextSequenceNumber(),
      stream_sid: this.streamSid,
      media: {
        chunk: this.chunk,
        timestamp: String((this.chunk - 1) * this.deps.timing.mediaChunkMs),
        payload: payload.toString('base64'),
      },
    });
    this.chunksSent += 1;
    this.bytesSent += payload.length;
    this.deps.recording?.calleeSent(payload, Date.now());
    for (const { digit, durationMs } of turn.dtmf) {
      this.dtmfSent += 1;
      // As Exotel reports a key press: digit and duration as strings.
      this.send({ event: 'dtmf', sequence_number: this.nextSequenceNumber(), stream_sid: this.streamSid, dtmf: { digit, duration: String(durationMs) } });
    }
    if (turn.hangUp) {
      this.events.onCalleeHungUp();
      return;
    }
    this.scheduleNextChunk();
  }

  private received(data: RawData, isBinary: boolean): void {
    if (this.state !== 'open') return;
    const message = isBinary ? undefined : parseJsonObject(rawDataToString(data));
    const playback = this.playback as BotAudioPlayback;
    switch (message?.event) {
      case 'media': {
        const payload = objectField(message, 'media')?.payload;
        if (typeof payload !== 'string') break;
        const audio = Buffer.from(payload, 'base64');
        const bytes = audio.length;
        this.mediaMessagesReceived += 1;
        this.checkChunkRules(bytes);
        playback.enqueue(bytes);
        this.deps.recording?.botSent(audio, Date.now());
        return;
      }
      case 'mark': {
        const name = objectField(message, 'mark')?.name;
        if (name === undefined) break;
        this.marksReceived += 1;
        playback.mark(String(name));
        return;
      }
      case 'clear':
        this.clearsReceived += 1;
        playback.clear();
        this.deps.recording?.botCleared(Date.now());
        return;
    }
    this.unknownMessages += 1;
  }

  private checkChunkRules(bytes: number): void {
    if (bytes % FRAME_BYTES !== 0) this.chunkRuleViolations.notWholeFrames += 1;
    if (bytes < MIN_CHUNK_BYTES) this.chunkRuleViolations.shorterThanMinimum += 1;
    if (bytes > MAX_CHUNK_BYTES) this.chunkRuleViolations.largerThanMaximum += 1;
  }

  private echoMark(name: string): void {
    if (this.state !== 'open') return;
    this.marksEchoed.push(name);
    this.send({ event: 'mark', sequence_number: this.nextSequenceNumber(), stream_sid: this.streamSid, mark: { name } });
  }

  private finish(by: 'bot' | 'simulator'): void {
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    this.closedAt = new Date();
    if (this.connectedAt) this.closedBy ??= by;
    this.timers.clearAll();
    this.playback?.close();
    if (wasOpen && by === 'bot') {
      this.deps.logger.info({ callSid: this.call.callSid }, 'bot closed the media leg');
      this.events.onBotHungUp();
    }
  }

  private send(message: object): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private nextSequenceNumber(): number {
    this.sequenceNumber += 1;
    return this.sequenceNumber;
  }
}

function rawDataToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function objectField(message: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = message[key];
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}
