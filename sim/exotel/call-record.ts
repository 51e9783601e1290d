import type { ConnectRequest } from './connect-request';
import { exotelTimestamp, exotelTimestampOrNull } from './exotel-time';
import type { AnsweredBy, Scenario } from './scenarios';

/**
 * One simulated call as Exotel would know it, and its `Call` resource. `canceled` exists in Exotel's
 * vocabulary but needs a caller-side cancel, which the Calls/connect API does not offer, so the
 * simulator never produces it.
 */
export type TerminalStatus = 'completed' | 'busy' | 'no-answer' | 'failed';
export type CallStatus = 'queued' | 'ringing' | 'in-progress' | TerminalStatus;

/** Why a call ended, in the simulator's words (Exotel reports only the status). */
export type EndReason =
  | 'bot-hung-up'
  | 'callee-hung-up'
  | 'time-limit'
  | 'media-session-limit'
  | 'media-connect-failed'
  | 'rang-out'
  | 'busy'
  | 'failed'
  | 'dnd-blocked';

/** One try at delivering one status callback, or a fault's decision not to try. */
export interface CallbackLogEntry {
  event: 'answered' | 'terminal' | 'classic';
  /** 1, or 2 for the extra copy of a duplicated callback. */
  copy: number;
  /** 1 for the first POST, then one more per retry; 0 when no POST was made. */
  attempt: number;
  at: string;
  outcome: 'delivered' | 'rejected' | 'timeout' | 'error' | 'dropped' | 'held';
  httpStatus?: number;
  error?: string;
  faults: string[];
  payload: object;
}

export interface CallRecord {
  sid: string;
  accountSid: string;
  request: ConnectRequest;
  scenario: Scenario;
  status: CallStatus;
  timeline: { status: CallStatus; at: Date }[];
  createdAt: Date;
  updatedAt: Date;
  answeredAt: Date | undefined;
  endedAt: Date | undefined;
  endReason: EndReason | undefined;
  callbacks: CallbackLogEntry[];
  /** Where the call's recording is served, once a recorded call has ended after being answered. */
  recordingUrl: string | undefined;
}

/** A synthetic tariff, so that `Price` is a plausible figure that grows with talk time. */
const PRICE_PER_STARTED_MINUTE = 0.5;

export function isLive(status: CallStatus): boolean {
  return status === 'queued' || status === 'ringing' || status === 'in-progress';
}

/** The `To` Exotel reports: the second party if one was given, else the ExoPhone shown to the customer. */
export function reportedTo(call: CallRecord): string {
  return call.request.to ?? call.request.callerId;
}

function totalDurationSeconds(call: CallRecord): number | null {
  return call.endedAt ? Math.round((call.endedAt.getTime() - call.createdAt.getTime()) / 1000) : null;
}

export function conversationSeconds(call: CallRecord, now: Date): number {
  if (!call.answeredAt) return 0;
  return Math.round(((call.endedAt ?? now).getTime() - call.answeredAt.getTime()) / 1000);
}

function callUri(call: CallRecord): string {
  return `/v1/Accounts/${call.accountSid}/Calls/${call.sid}.json`;
}

/**
 * The `Call` resource. `Duration` and `Price` appear `durationLagMs` after the call ended, the way
 * Exotel fills them in minutes later; the default lag is 0.
 */
export function callResource(call: CallRecord, now: Date, durationLagMs: number, withDetails: boolean): { Call: Record<string, unknown> } {
  const settled = call.endedAt !== undefined && now.getTime() - call.endedAt.getTime() >= durationLagMs;
  const talkSeconds = conversationSeconds(call, now);
  const resource: Record<string, unknown> = {
    Sid: call.sid,
    ParentCallSid: null,
    DateCreated: exotelTimestamp(call.createdAt),
    DateUpdated: exotelTimestamp(call.updatedAt),
    AccountSid: call.accountSid,
    To: reportedTo(call),
    From: call.request.fromAsSent,
    PhoneNumberSid: call.request.callerId,
    Status: call.status,
    StartTime: exotelTimestamp(call.createdAt),
    EndTime: exotelTimestampOrNull(call.endedAt),
    Duration: settled ? totalDurationSeconds(call) : null,
    Price: settled ? (Math.ceil(talkSeconds / 60) * PRICE_PER_STARTED_MINUTE).toFixed(3) : null,
    Direction: 'outbound-api',
    AnsweredBy: answeredByOf(call),
    ForwardedFrom: null,
    CallerName: null,
    Uri: callUri(call),
    RecordingUrl: call.recordingUrl ?? null,
  };
  if (withDetails) {
    resource.Details = {
      ConversationDuration: talkSeconds,
      Leg1Status: call.status,
      Leg2Status: null,
      Legs: [legOf(call, now)],
    };
  }
  return { Call: resource };
}

export interface Leg {
  OnCallDuration: number;
  Status: CallStatus;
  AnsweredBy: AnsweredBy | null;
}

/** The customer's leg; Connect Voice AI calls have no second phone leg. */
export function legOf(call: CallRecord, now: Date): Leg {
  return { OnCallDuration: conversationSeconds(call, now), Status: call.status, AnsweredBy: answeredByOf(call) };
}

/**
 * The account's answering-machine detection (Exotel's AMD, a beta switched on per account), when the
 * scenario gives its result: reported once the call is answered, from the `answered` event on.
 * Without it (AMD off, or not yet answered) the field is null, as Exotel sends it.
 */
function answeredByOf(call: CallRecord): AnsweredBy | null {
  if (!call.answeredAt || !('answeredBy' in call.scenario)) return null;
  return call.scenario.answeredBy ?? null;
}
