import type { CallStatus } from './call-status';
import type { Priority } from './priority';
import type { TtsProvider } from './speech/tts-provider';

/** The fields of one attempt's CallLog row that the call workflow writes as the attempt moves on. */
export interface AttemptRecord {
  callId: string;
  orgId?: string;
  attempt: number;
  phoneNumber: string;
  agentId: string;
  priority: Priority;
  workflowId: string;
  status: CallStatus;
  campaignId?: string;
  seriesId?: string;
  scheduledCallId?: string;
  metadata?: Record<string, unknown>;
  ttsProvider?: TtsProvider;
  outboundStatus?: string;
  failureReason?: string | null;
  exotelCallSid?: string;
  recordingUrl?: string;
  timings?: Partial<Record<'queuedAt' | 'dialedAt' | 'ringingAt' | 'answeredAt' | 'mediaStartedAt' | 'endedAt', string>> & {
    durationSec?: number;
  };
  /**
   * When the API received the Exotel status callback that brought the state this record writes
   * (`answered`: in progress; `terminal`: the attempt's end), for the callback-to-record latency.
   * Not stored: the activity measures with it.
   */
  statusCallbackReceivedAt?: { event: 'answered' | 'terminal'; at: string };
  /** The whole call's end, when it ends with this attempt (on the first attempt's row, one write instead of two). */
  final?: Omit<CallOutcomeRecord, 'callId'>;
}

export interface RetryRecord {
  originalCallLogId: string;
  attemptNumber: number;
  callLogId: string;
  reason: string;
  delayMs: number;
  scheduledFor: string;
}

export interface RetryStatusUpdate {
  originalCallLogId: string;
  attemptNumber: number;
  status: 'dialed' | 'cancelled' | 'superseded';
  at: string;
}

/** The end of the whole call, written on the first attempt's row (the public callLogId). */
export interface CallOutcomeRecord {
  callId: string;
  status: CallStatus;
  failureReason: string | null;
  attempts: number;
}
