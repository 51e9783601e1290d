import type { CallTimings } from './call-timings';
import type { CallWindowSettings } from './call-window-settings';
import type { AttemptOutcome, ExotelTerminalStatus, MediaOutcome } from './call-outcome';
import type { CallPhase, CallStatus } from './call-status';
import type { FailureReason, RecordedFailureReason } from './failure-reason';
import type { Priority } from './priority';
import type { RetryPolicyOverride } from './retry-policy';
import type { TtsProvider } from './speech/tts-provider';
import type { CarrierAnsweredBy } from './voicemail/carrier-answered-by';

/** What starts a `callWorkflow` (workflow id `call-<callId>`). */
export interface CallWorkflowInput {
  callId: string;
  /** The organization the call belongs to; its records carry it (absent in calls started before organizations). */
  orgId?: string;
  /** E.164. */
  phoneNumber: string;
  agentId: string;
  priority: Priority;
  /** From the agent at the time the call was accepted; bounds the call (Exotel TimeLimit) and the line lease. */
  maxCallDurationSec: number;
  /** Exotel account whose line gate the call waits in. */
  exotelAccount: string;
  /** ISO time; absent = now. */
  scheduledFor?: string;
  retryPolicy?: RetryPolicyOverride;
  campaignId?: string;
  seriesId?: string;
  scheduledCallId?: string;
  metadata?: Record<string, unknown>;
  /** Ring time before Exotel gives up (TimeOut), in seconds. */
  ringTimeoutSec?: number;
  /** The rate-limited queue of the Exotel worker (config TEMPORAL_EXOTEL_TASK_QUEUE). */
  exotelTaskQueue?: string;
  /** Shorter waits for tests; production uses the defaults. */
  timings?: Partial<CallTimings>;
  /** When set, the first dial and every retry start only inside these windows (absent in calls started before windows existed). */
  callingWindow?: CallWindowSettings;
  /** Every attempt asks Exotel to record the conversation (absent: not recorded). */
  record?: boolean;
  /** The call request's text-to-speech provider, on every attempt's row (absent: the agent's and the premium rules'). */
  ttsProvider?: TtsProvider;
  /** Look the number up in Exotel's DND registry before the first dial. */
  dndCheck?: boolean;
  /** Synthesize the agent's greeting this long before a scheduled first dial, so the call opens on a cache hit. */
  prewarmLeadMs?: number;
  /**
   * The status the starter wrote attempt 1's row with before starting the workflow (the API does, so
   * that a call can be read the moment it is accepted); absent: the workflow writes the row itself.
   */
  firstAttemptRow?: 'scheduled' | 'waiting_for_line';
  /** Where the call's outcome webhooks go (its own URL, or its campaign's); absent: the organization's default, when enabled. */
  callbackUrl?: string;
}

/** An Exotel status callback, routed to the attempt named in its callback URL. */
export interface ExotelStatusEvent {
  attempt: number;
  callSid: string;
  status: string;
  eventType: 'answered' | 'terminal' | 'unknown';
  customField?: string;
  startTime?: string;
  endTime?: string;
  conversationDurationSec?: number;
  recordingUrl?: string;
  /** Exotel's answering-machine detection, when the account has it on and it was sure (domain/voicemail/carrier-answered-by). */
  answeredBy?: CarrierAnsweredBy;
  receivedAt: string;
}

/** The media server accepted the attempt's WebSocket; `controlUrl` ends the live call on that instance. */
export interface MediaStartedEvent {
  attempt: number;
  controlUrl: string;
  streamSid?: string;
  startedAt: string;
}

export interface TurnLatency {
  turn: number;
  sttFinalMs?: number;
  llmFirstTokenMs?: number;
  ttsFirstByteMs?: number;
  voiceToVoiceMs?: number;
  /** Ringline's own processing on the way from the caller's turn to the reply's first audio, provider time excluded. */
  ringlineMs?: number;
}

export interface ConversationSummary {
  turns: number;
  durationMs: number;
  latency: TurnLatency[];
}

export interface MediaEndedEvent {
  attempt: number;
  outcome: MediaOutcome;
  summary?: ConversationSummary;
  endedAt: string;
}

export interface CancelRequest {
  reason?: string;
  /**
   * Cancel only if no attempt is under way (a campaign's cancel): a call already dialling, ringing or
   * talking finishes that attempt and is then not retried.
   */
  onlyBeforeDial?: boolean;
}

export interface AttemptView {
  attempt: number;
  callLogId: string;
  callSid?: string;
  exotelStatus?: ExotelTerminalStatus | 'in-progress';
  answered: boolean;
  mediaConnected: boolean;
  outcome?: AttemptOutcome;
  startedAt?: string;
  endedAt?: string;
}

/** Why a call that is not dialing is waiting. */
export const WAIT_REASONS = ['line_busy', 'circuit_open', 'scheduled', 'calling_window', 'retry_backoff'] as const;
export type WaitReason = (typeof WAIT_REASONS)[number];

/** The `status` query: everything ops need to see about one call. */
export interface CallWorkflowStatus {
  callId: string;
  phase: CallPhase | CallStatus;
  attempt: number;
  attempts: AttemptView[];
  nextAttemptAt: string | null;
  waitReason: WaitReason | null;
  lastOutcome: AttemptOutcome | null;
  finalReason: RecordedFailureReason | null;
  cancelRequested: boolean;
  retriesByReason: Partial<Record<FailureReason, number>>;
}

/** What a finished `callWorkflow` returns. */
export interface CallWorkflowResult {
  callId: string;
  status: CallStatus;
  failureReason: RecordedFailureReason | null;
  attempts: number;
}

export interface RescheduleRequest {
  /** ISO time. */
  at: string;
}

export interface RescheduleResult {
  /** The requested time moved into the call's calling windows. */
  effectiveAt: string;
  moved: boolean;
}

/** Why an update was refused: the API turns these into 409/400 answers. */
export const RESCHEDULE_REFUSALS = ['CALL_NOT_RESCHEDULABLE', 'RESCHEDULE_IN_PAST', 'INVALID_RESCHEDULE_TIME', 'NO_CALLABLE_TIME'] as const;
export type RescheduleRefusal = (typeof RESCHEDULE_REFUSALS)[number];
