import { conversationSeconds, legOf, reportedTo, type CallRecord, type Leg } from './call-record';
import { exotelTimestamp, exotelTimestampOrNull } from './exotel-time';
import type { FormFields } from './form-body';

/**
 * The body of one status callback. With events subscribed, each event carries the full field set and
 * `CustomField` rides on the terminal event only; a dial that subscribed to no events gets Exotel's
 * classic end-of-call callback with just the fields that are always present.
 */
export type CallbackKind = 'answered' | 'terminal' | 'classic';

export interface StatusCallbackPayload {
  CallSid: string;
  Status: string;
  DateUpdated: string;
  RecordingUrl: string | null;
  EventType?: 'answered' | 'terminal';
  DateCreated?: string;
  From?: string;
  To?: string;
  PhoneNumberSid?: string;
  StartTime?: string;
  EndTime?: string | null;
  ConversationDuration?: number;
  Direction?: 'outbound-api';
  Legs?: Leg[];
  CustomField?: string;
}

export function buildCallbackPayload(call: CallRecord, kind: CallbackKind, now: Date): StatusCallbackPayload {
  const always = { CallSid: call.sid, Status: call.status, DateUpdated: exotelTimestamp(now), RecordingUrl: call.recordingUrl ?? null };
  if (kind === 'classic') return always;
  const payload: StatusCallbackPayload = {
    ...always,
    EventType: kind,
    DateCreated: exotelTimestamp(call.createdAt),
    From: call.request.fromAsSent,
    To: reportedTo(call),
    PhoneNumberSid: call.request.callerId,
    StartTime: exotelTimestamp(call.createdAt),
    EndTime: exotelTimestampOrNull(call.endedAt),
    ConversationDuration: conversationSeconds(call, now),
    Direction: 'outbound-api',
    Legs: [legOf(call, now)],
  };
  if (kind === 'terminal' && call.request.customField !== undefined) payload.CustomField = call.request.customField;
  return payload;
}

/** Form bodies flatten nested values the way Exotel does: `Legs[0][Status]`; null becomes an empty value. */
export function toFormFields(payload: StatusCallbackPayload): FormFields {
  const fields: FormFields = {};
  const put = (name: string, value: unknown): void => {
    if (Array.isArray(value)) value.forEach((item, index) => put(`${name}[${index}]`, item));
    else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) put(`${name}[${key}]`, item);
    } else fields[name] = value === null || value === undefined ? '' : String(value);
  };
  for (const [key, value] of Object.entries(payload)) put(key, value);
  return fields;
}
