import WebSocket, { type RawData } from 'ws';
import type { MediaOutcome } from '../domain/call-outcome';
import { attemptCallLogId } from '../domain/attempt-address';
import type { BargeInThresholds } from '../domain/conversation/barge-in-rule';
import type { EndReason } from '../domain/conversation/call-ending';
import type { Priority } from '../domain/priority';
import type { TtsProvider } from '../domain/speech/tts-provider';
import type { Logger } from '../lib/logger';
import type { AgentProfile } from './agent-profile';
import type { AgentStore } from './agent-store';
import type { CallRecords } from './call-records';
import { pollCarrierHint } from './carrier-hint-poll';
import { chooseCallVoice, openCallSpeech, type PremiumVoice } from './call-speech';
import { Conversation } from './conversation';
import { DEFAULT_SAMPLE_RATE, parseInbound, type ExotelInbound, type SampleRate, type StartMessage } from './exotel-protocol';
import { ExotelStream } from './exotel-stream';
import type { GreetingCache } from './greeting-cache';
import { CallKnowledge, type KnowledgeRetrieval } from './knowledge-lookup';
import type { MediaMetrics } from './metrics';
import type { LanguageModel } from './pipeline/llm';
import { observedSynthesizer } from './pipeline/observed-synthesizer';
import { PacedAudioOut } from './pipeline/paced-audio-out';
import { chunkMs } from './pipeline/pcm-frames';
import type { SpeechToText } from './pipeline/stt';
import type { SpeechSynthesizer, TextToSpeech } from './pipeline/tts';
import type { TurnTimings } from './pipeline/turns';
import { TranscriptLog } from './transcript-log';
import type { VoicemailDetector, VoicemailDetectorOptions } from './voicemail/voicemail-detector';
import type { WorkflowSignals } from './workflow-signals';

export type VoicemailDetectorFactory = (options: VoicemailDetectorOptions) => VoicemailDetector;

export interface SessionDeps {
  logger: Logger;
  records: CallRecords;
  agents: AgentStore;
  signals: WorkflowSignals;
  cache: GreetingCache;
  stt: SpeechToText;
  llm: LanguageModel;
  /** Deepgram: every call's voice unless it speaks with ElevenLabs, and ElevenLabs' fallback. */
  tts: TextToSpeech;
  /** Agents' knowledge bases (docs/knowledge.md); absent: agents answer from their prompts only. */
  knowledge?: KnowledgeRetrieval;
  /** ElevenLabs, when configured (ELEVENLABS_API_KEY). */
  premium?: PremiumVoice;
  createVoicemailDetector: VoicemailDetectorFactory;
  metrics: MediaMetrics;
  /** This instance's control endpoint, sent to the workflow in the media-started signal. */
  controlUrl: string;
  bargeIn: BargeInThresholds;
  turnTimings: TurnTimings;
  now?: () => number;
}

interface CallContext {
  callLogId: string;
  agent: AgentProfile;
  metadata: Record<string, unknown>;
  /** Starts loading with the context, so the agent's passages are in memory by the caller's first question. */
  knowledge: CallKnowledge | undefined;
  priority: Priority;
  ttsProvider?: TtsProvider;
  /** The attempt's Exotel CallSid as the workflow recorded it after the dial (connect mode's binding). */
  callSid?: string;
}

/** Exotel sends `start` right after connecting; a socket that never does is not a call. */
const START_TIMEOUT_MS = 10_000;
/** Malformed frames logged one by one per call; past that they are only counted. */
const MALFORMED_LOG_LIMIT = 5;

type Phase = 'connected' | 'starting' | 'live' | 'ended';

/**
 * One accepted Exotel stream (the token has been checked): loads the attempt's call log and agent
 * (from the moment the socket opens, so they are usually ready when `start` arrives), tells the
 * workflow the media started, runs the conversation, then records and reports how it ended, once.
 * Database and Temporal failures are logged and survived: the caller never notices them.
 */
export class CallSession {
  private phase: Phase = 'connected';
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly context: Promise<CallContext | undefined>;
  /** Messages that arrive while `start` waits for the context; replayed in order once the conversation runs. */
  private early: (ExotelInbound | 'closed')[] = [];
  /** An end asked for (control request, shutdown) while `start` was still being set up. */
  private pendingEnd: 'goodbye' | 'immediate' | 'shutdown' | undefined;
  private conversation: Conversation | undefined;
  private transcript: TranscriptLog | undefined;
  private synthesizer: SpeechSynthesizer | undefined;
  private startedSignal: Promise<void> = Promise.resolve();
  private stopHintPoll: () => void = () => undefined;
  private startedAt = 0;
  private malformed = 0;
  private readonly startTimer: NodeJS.Timeout;
  private resolveEnded!: () => void;
  /** Resolves when the session is over and its signal has been sent (or given up). */
  readonly ended = new Promise<void>((resolve) => (this.resolveEnded = resolve));

  constructor(
    private readonly deps: SessionDeps,
    private readonly socket: WebSocket,
    readonly callId: string,
    readonly attempt: number,
    private readonly requestedSampleRate: SampleRate | undefined,
    /** The CallSid the media token was bound to (flow mode); connect mode's tokens carry none. */
    private readonly tokenCallSid?: string,
  ) {
    this.log = deps.logger.child({ callId, attempt });
    this.now = deps.now ?? Date.now;
    this.context = this.loadContext();
    socket.on('message', (data, isBinary) => this.received(data, isBinary));
    socket.on('close', () => this.socketClosed());
    socket.on('error', (err) => this.log.warn({ err: err.message }, 'media socket error'));
    this.startTimer = setTimeout(() => {
      this.log.warn('no start message; closing');
      this.close(1008, 'no start');
    }, START_TIMEOUT_MS);
  }

  /** The control endpoint's hang-up: `goodbye` says the agent's goodbye first. */
  hangUp(mode: 'goodbye' | 'immediate'): void {
    if (this.conversation) this.conversation.hangUp(mode);
    else if (this.phase === 'connected') this.close(1000, 'ended by request');
    else if (this.phase === 'starting') this.pendingEnd ??= mode;
  }

  /** The server is stopping: the call ends with a goodbye. */
  shutdown(): void {
    if (this.conversation) this.conversation.shutdown();
    else if (this.phase === 'connected') this.close(1001, 'server shutting down');
    else if (this.phase === 'starting') this.pendingEnd ??= 'shutdown';
  }

  private received(data: RawData, isBinary: boolean): void {
    if (this.phase === 'ended') return;
    if (isBinary) {
      this.reportMalformed('binary_frame', 'binary frame; Exotel sends JSON text');
      return;
    }
    const parsed = parseInbound(rawText(data));
    if (!parsed.ok) {
      this.reportMalformed(parsed.problem, parsed.detail);
      return;
    }
    const message = parsed.message;
    if (message.event === 'start') {
      if (this.phase === 'connected') void this.begin(message);
      else this.log.warn('second start message ignored');
      return;
    }
    if (this.phase === 'starting') this.early.push(message);
    else if (this.conversation) this.dispatch(message);
    else if (message.event === 'stop') this.close(1000, 'stopped before start');
  }

  private dispatch(message: ExotelInbound | 'closed'): void {
    const conversation = this.conversation as Conversation;
    if (message === 'closed') {
      conversation.socketLost();
      return;
    }
    switch (message.event) {
      case 'media':
        conversation.audio(message.payload);
        return;
      case 'mark':
        conversation.markReturned(message.name);
        return;
      case 'dtmf':
        conversation.dtmf(message.digit);
        return;
      case 'stop':
        conversation.callerHungUp();
        return;
      case 'connected':
      case 'start':
        return;
    }
  }

  private async begin(start: StartMessage): Promise<void> {
    this.phase = 'starting';
    clearTimeout(this.startTimer);
    this.startedAt = this.now();
    const sampleRate = start.sampleRate ?? this.requestedSampleRate ?? DEFAULT_SAMPLE_RATE;
    this.log.info({ streamSid: start.streamSid, callSid: start.callSid, sampleRate, customParameters: start.customParameters }, 'media stream started');
    const context = await this.context;
    if (!this.isAttemptsOwnCall(start.callSid, context)) {
      this.phase = 'ended';
      this.deps.metrics.connectionRefused('call_sid_mismatch');
      this.log.warn({ callSid: start.callSid }, 'media stream of another Exotel call refused');
      this.close(1008, 'call sid mismatch');
      this.resolveEnded();
      return;
    }
    if (!context) {
      this.signalStarted(start);
      this.close(1011, 'call unknown');
      void this.finish({ reason: 'provider_failure', outcome: 'connection_lost' });
      return;
    }
    const { agent } = context;
    const logger = this.log.child({ callSid: start.callSid });
    const { choice, voice } = chooseCallVoice(agent, context, this.deps.premium);
    const speech = openCallSpeech(this.deps.tts, this.deps.premium, voice, agent, { sampleRate, logger, onSpoken: (spokenBy) => this.deps.metrics.sentenceSpoken(spokenBy) });
    this.synthesizer = observedSynthesizer(speech, () => this.deps.metrics.providerError('tts'));
    this.transcript = new TranscriptLog(this.deps.records, context.callLogId, logger);
    this.transcript.recordTtsChoice(choice);
    this.conversation = new Conversation({
      agent,
      metadata: context.metadata,
      callSid: start.callSid,
      sampleRate,
      logger,
      stt: this.deps.stt,
      llm: this.deps.llm,
      synthesizer: this.synthesizer,
      callVoice: voice,
      cache: this.deps.cache,
      out: new PacedAudioOut(new ExotelStream(this.socket, start.streamSid, chunkMs(sampleRate)), sampleRate, this.now),
      transcript: this.transcript,
      knowledge: context.knowledge,
      voicemailDetector: agent.voicemailDetection
        ? this.deps.createVoicemailDetector({
            sampleRate,
            ...(agent.voicemailThreshold !== null && { threshold: agent.voicemailThreshold }),
            ...(agent.voicemailTimeoutSec !== null && { timeoutMs: agent.voicemailTimeoutSec * 1000 }),
          })
        : undefined,
      bargeIn: this.deps.bargeIn,
      turnTimings: this.deps.turnTimings,
      metrics: this.deps.metrics,
      onFinished: (end) => void this.finish(end),
      now: this.now,
    });
    this.phase = 'live';
    this.conversation.start();
    const conversation = this.conversation;
    if (conversation.awaitsCarrierHint) {
      this.stopHintPoll = pollCarrierHint({
        read: () => this.deps.records.loadCarrierAnsweredBy(context.callLogId),
        deliver: (hint) => conversation.carrierAnsweredBy(hint),
        wanted: () => this.phase === 'live' && conversation.awaitsCarrierHint,
        logger,
      });
    }
    // After the greeting has been asked for: the signal's own work stays off the greeting's path.
    this.signalStarted(start);
    const early = this.early;
    this.early = [];
    for (const message of early) this.dispatch(message);
    if (this.pendingEnd === 'shutdown') this.conversation.shutdown();
    else if (this.pendingEnd) this.conversation.hangUp(this.pendingEnd);
  }

  private signalStarted(start: StartMessage): void {
    this.startedSignal = this.deps.signals.mediaStarted(this.callId, {
      attempt: this.attempt,
      controlUrl: this.deps.controlUrl,
      streamSid: start.streamSid,
      startedAt: new Date(this.startedAt).toISOString(),
    });
    this.deps.metrics.sessionStarted();
  }

  private socketClosed(): void {
    clearTimeout(this.startTimer);
    if (this.phase === 'connected') {
      this.phase = 'ended';
      this.log.info('media socket closed before start');
      this.resolveEnded();
    } else if (this.phase === 'starting') {
      this.early.push('closed');
    } else if (this.phase === 'live') {
      this.conversation?.socketLost();
    }
  }

  private async finish(end: { reason: EndReason; outcome: MediaOutcome }): Promise<void> {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    const endedAt = this.now();
    this.stopHintPoll();
    this.close(1000, 'call ended');
    this.synthesizer?.close();
    this.deps.metrics.sessionEnded(end.outcome);
    const summary = this.conversation?.summary ?? { turns: 0, latency: [] };
    const durationMs = endedAt - this.startedAt;
    this.log.info({ reason: end.reason, outcome: end.outcome, turns: summary.turns, durationMs, malformedFrames: this.malformed }, 'media session ended');
    const voicemailDetection = this.conversation?.voicemailRecord;
    if (voicemailDetection) this.transcript?.recordVoicemailDetection(voicemailDetection);
    await this.transcript?.close();
    await this.startedSignal;
    await this.deps.signals.mediaEnded(this.callId, {
      attempt: this.attempt,
      outcome: end.outcome,
      summary: { turns: summary.turns, durationMs, latency: summary.latency },
      endedAt: new Date(endedAt).toISOString(),
    });
    this.resolveEnded();
  }

  /**
   * The stream must be the attempt's own Exotel call before anything is said or signalled: the CallSid
   * the token was bound to (flow mode), else the one the workflow recorded after the dial (connect
   * mode), read with the rest of the call's context while Exotel was still sending `start`, so the
   * check costs the greeting nothing. That record is written as soon as Exotel accepts the dial, long
   * before a real answer; when it is still missing (a dial whose answer was lost, or an instant answer),
   * the single-use token, which only Exotel ever saw, has to do, and that is logged.
   */
  private isAttemptsOwnCall(streamCallSid: string, context: CallContext | undefined): boolean {
    if (this.tokenCallSid !== undefined) return streamCallSid === this.tokenCallSid;
    if (context?.callSid === undefined) {
      if (context) this.log.warn({ callSid: streamCallSid }, 'attempt has no recorded CallSid yet; stream accepted on its single-use token');
      return true;
    }
    return streamCallSid === context.callSid;
  }

  private async loadContext(): Promise<CallContext | undefined> {
    const callLogId = attemptCallLogId(this.callId, this.attempt);
    try {
      const record = await this.deps.records.loadAttempt(callLogId);
      if (!record) {
        this.log.error({ callLogId }, 'no call log for this attempt');
        return undefined;
      }
      const agent = await this.deps.agents.get(record.agentId);
      if (!agent) {
        this.log.error({ agentId: record.agentId }, 'agent of the call not found');
        return undefined;
      }
      const knowledge = this.deps.knowledge && new CallKnowledge(agent.id, this.deps.knowledge, this.log);
      return {
        callLogId,
        agent,
        metadata: record.metadata,
        knowledge,
        priority: record.priority,
        ...(record.ttsProvider ? { ttsProvider: record.ttsProvider } : {}),
        ...(record.callSid ? { callSid: record.callSid } : {}),
      };
    } catch (err) {
      this.log.error({ err }, 'could not load the call and its agent');
      return undefined;
    }
  }

  private reportMalformed(kind: string, detail: string): void {
    this.malformed += 1;
    this.deps.metrics.malformedFrame(kind);
    if (this.malformed <= MALFORMED_LOG_LIMIT) this.log.warn({ kind, detail }, 'malformed Exotel frame ignored');
  }

  private close(code: number, reason: string): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close(code, reason);
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}
