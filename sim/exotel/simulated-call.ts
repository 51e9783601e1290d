import type { Logger } from '../../lib/logger';
import { spokenLines } from '../audio/scripts';
import {
  isLive,
  reportedTo,
  type CallbackLogEntry,
  type CallRecord,
  type CallStatus,
  type EndReason,
  type TerminalStatus,
} from './call-record';
import type { CalleeAudioFactory } from './callee-audio';
import { MAX_TIME_LIMIT_SECONDS } from './connect-request';
import type { HttpClient } from './http-client';
import { MediaLeg, type MediaLegSnapshot } from './media-leg';
import { RecordedAudio } from './recorded-audio';
import { calleeScriptOf, isAnswering, type AnsweringScenario } from './scenarios';
import type { SimulatorTiming } from './simulator-options';
import type { SimulatorStats } from './stats';
import type { StatusCallbackDispatcher } from './status-callback-dispatcher';
import { TimerSet } from '../shared/timer-set';

export interface SimulatedCallDeps {
  timing: SimulatorTiming;
  voicebotUrl: string | undefined;
  calleeAudio: CalleeAudioFactory;
  http: HttpClient;
  callbacks: StatusCallbackDispatcher;
  stats: SimulatorStats;
  logger: Logger;
  /** Where the recording of the call with this sid is served. */
  recordingUrl(sid: string): string;
}

/** A call's full state as `GET /sim/calls/:sid` shows it. */
export interface CallSnapshot {
  sid: string;
  status: CallStatus;
  scenario: CallRecord['scenario'];
  endReason: EndReason | null;
  createdAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  timeline: { status: CallStatus; at: string }[];
  request: { mode: 'stream' | 'flow'; params: Record<string, string> };
  callbacks: CallbackLogEntry[];
  media: MediaLegSnapshot | null;
  /**
   * What the callee says, line by line in order (empty for scenarios in which nobody picks up, and for silent callees).
   * The Deepgram simulator reads it to transcribe the call's audio; the sid reaches it as Deepgram's `tag`.
   */
  script: string[];
}

/**
 * One call's life: queued → ringing → answered (`in-progress`) → terminal, as its scenario dictates.
 * `TimeOut` bounds the ringing, `TimeLimit` the conversation. Once answered, the media leg carries
 * the conversation, and whichever side ends first (bot closes the socket, callee hangs up, a limit
 * runs out) ends the call as `completed`.
 */
export class SimulatedCall {
  private readonly timers = new TimerSet();
  private media: MediaLeg | undefined;
  private recording: RecordedAudio | undefined;

  constructor(
    readonly record: CallRecord,
    private readonly deps: SimulatedCallDeps,
  ) {}

  begin(): void {
    this.timers.after(this.deps.timing.queuedMs, () => this.leaveQueue());
  }

  /** The callee hangs up now (control endpoint). False when the call is not in a conversation. */
  calleeHangsUp(): boolean {
    if (this.record.status !== 'in-progress') return false;
    this.end('completed', 'callee-hung-up');
    return true;
  }

  /** Drops the call without callbacks or a `stop` message (simulator stop or reset). */
  abort(): void {
    this.timers.clearAll();
    this.media?.abort();
  }

  /** The recording as a WAV file, once a recorded call has ended; undefined for any other call. */
  recordingWav(): Buffer | undefined {
    const { answeredAt, endedAt, request } = this.record;
    if (!this.recording || !answeredAt || !endedAt) return undefined;
    return this.recording.wav(endedAt.getTime(), request.recordingChannels);
  }

  snapshot(): CallSnapshot {
    const { record } = this;
    return {
      sid: record.sid,
      status: record.status,
      scenario: record.scenario,
      endReason: record.endReason ?? null,
      createdAt: record.createdAt.toISOString(),
      answeredAt: record.answeredAt?.toISOString() ?? null,
      endedAt: record.endedAt?.toISOString() ?? null,
      timeline: record.timeline.map(({ status, at }) => ({ status, at: at.toISOString() })),
      request: { mode: record.request.destination.mode, params: record.request.params },
      callbacks: [...record.callbacks],
      media: this.media?.snapshot() ?? null,
      script: isAnswering(record.scenario) ? spokenLines(calleeScriptOf(record.scenario)) : [],
    };
  }

  private leaveQueue(): void {
    const { scenario, request } = this.record;
    if (scenario.name === 'failed') {
      this.end('failed', 'failed');
      return;
    }
    // Exotel only connects transactional calls to numbers on the DND registry.
    if (scenario.name === 'dnd' && request.callType !== 'trans') {
      this.end('failed', 'dnd-blocked');
      return;
    }

    this.setStatus('ringing');
    const ringLimitMs = (request.timeOutSeconds ?? this.deps.timing.defaultRingTimeoutSeconds) * 1000;
    const rangOut = (): void => this.end('no-answer', 'rang-out');
    if (scenario.name === 'no-answer') {
      this.timers.after(ringLimitMs, rangOut);
      return;
    }
    const ringMs = ('ringMs' in scenario ? scenario.ringMs : undefined) ?? this.deps.timing.ringMs;
    if (ringMs >= ringLimitMs) {
      this.timers.after(ringLimitMs, rangOut);
      return;
    }
    if (isAnswering(scenario)) this.timers.after(ringMs, () => this.answer(scenario));
    else this.timers.after(ringMs, () => this.end('busy', 'busy'));
  }

  private answer(scenario: AnsweringScenario): void {
    const { record, deps } = this;
    record.answeredAt = new Date();
    if (record.request.record) this.recording = new RecordedAudio(record.answeredAt.getTime());
    this.setStatus('in-progress');
    deps.callbacks.notify(record, 'answered');

    const timeLimitSeconds = record.request.timeLimitSeconds ?? MAX_TIME_LIMIT_SECONDS;
    this.timers.after(timeLimitSeconds * 1000, () => this.end('completed', 'time-limit'));
    const hangUpAfterMs = scenario.hangUpAfterMs ?? (scenario.name === 'hang-up' ? deps.timing.calleeHangUpAfterMs : undefined);
    if (hangUpAfterMs !== undefined) this.timers.after(hangUpAfterMs, () => this.end('completed', 'callee-hung-up'));

    this.media = new MediaLeg(
      {
        callSid: record.sid,
        accountSid: record.accountSid,
        from: record.request.fromAsSent,
        to: reportedTo(record),
        customField: record.request.customField,
        destination: record.request.destination,
        scenario,
      },
      { http: deps.http, timing: deps.timing, voicebotUrl: deps.voicebotUrl, calleeAudio: deps.calleeAudio, logger: deps.logger, recording: this.recording },
      {
        onBotHungUp: () => this.end('completed', 'bot-hung-up'),
        // Exotel ends the call; Ringline sees a completed call far shorter than any conversation.
        onConnectFailed: () => this.end('completed', 'media-connect-failed'),
        onSessionLimit: () => this.end('completed', 'media-session-limit'),
        onCalleeHungUp: () => this.end('completed', 'callee-hung-up'),
      },
    );
    this.media.start();
  }

  private end(status: TerminalStatus, reason: EndReason): void {
    const { record, deps } = this;
    if (!isLive(record.status)) return;
    record.endedAt = new Date();
    record.endReason = reason;
    if (this.recording) record.recordingUrl = deps.recordingUrl(record.sid);
    this.setStatus(status);
    this.timers.clearAll();
    this.media?.hangUp();
    deps.stats.recordCallEnded(status);
    deps.logger.info({ callSid: record.sid, status, reason }, 'call ended');
    deps.callbacks.notify(record, 'terminal');
  }

  private setStatus(status: CallStatus): void {
    const now = new Date();
    this.record.status = status;
    this.record.updatedAt = now;
    this.record.timeline.push({ status, at: now });
    this.deps.logger.debug({ callSid: this.record.sid, status }, 'call status');
  }
}
