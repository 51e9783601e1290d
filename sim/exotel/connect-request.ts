import { normalizePhoneNumber } from './phone-number';
import { REST_EXCEPTION_CODES, RestException } from './rest-exception';
import type { RecordingChannels } from './recorded-audio';
import { parseStreamUrl, type StreamUrlInfo } from './stream-url';

/**
 * The parameters of `POST /v1/Accounts/<sid>/Calls/connect`, checked the way Exotel documents them.
 * Every refusal is a 400 RestException naming the parameter, so a client bug shows up as a clear
 * error instead of a call that silently behaves differently.
 */
export const MAX_TIME_LIMIT_SECONDS = 14_400;
export const MAX_CUSTOM_FIELD_LENGTH = 128;

export type StatusCallbackEvent = 'answered' | 'terminal';
export type CallbackContentType = 'application/json' | 'multipart/form-data';

/** Where the answered call's audio goes: straight to a WebSocket, or through a flow whose Voicebot applet finds one. */
export type MediaDestination = { mode: 'stream'; stream: StreamUrlInfo } | { mode: 'flow'; flowUrl: string };

export interface ConnectRequest {
  /** The customer, dialled first, in E.164 (scenarios are keyed by it). */
  from: string;
  /** The customer's number as the client wrote it, echoed back in resources and callbacks (Exotel's own number formatting is not modelled). */
  fromAsSent: string;
  callerId: string;
  to: string | undefined;
  destination: MediaDestination;
  callType: 'trans' | 'promo';
  timeLimitSeconds: number | undefined;
  timeOutSeconds: number | undefined;
  customField: string | undefined;
  statusCallback: string | undefined;
  statusCallbackEvents: StatusCallbackEvent[];
  statusCallbackContentType: CallbackContentType;
  /** `Record=true`: the answered call is recorded and its terminal callback carries the RecordingUrl. */
  record: boolean;
  recordingChannels: RecordingChannels;
  /** Every parameter as sent, for the simulator's own call records. */
  params: Record<string, string>;
}

const STATUS_CALLBACK_EVENTS_NAME = /^StatusCallbackEvents(\[\d*\])?$/;

export function parseConnectRequest(params: URLSearchParams): ConnectRequest {
  const fromRaw = required(params, 'From');
  const from = normalizePhoneNumber(fromRaw);
  if (!from) throw invalidNumber('From', fromRaw);
  const callerId = required(params, 'CallerId');
  if (!normalizePhoneNumber(callerId)) throw invalidNumber('CallerId', callerId);
  const to = optional(params, 'To');
  if (to !== undefined && !normalizePhoneNumber(to)) throw invalidNumber('To', to);

  return {
    from,
    fromAsSent: fromRaw,
    callerId,
    to,
    destination: parseDestination(params),
    callType: parseCallType(optional(params, 'CallType')),
    timeLimitSeconds: optionalInteger(params, 'TimeLimit', 1, MAX_TIME_LIMIT_SECONDS),
    timeOutSeconds: optionalInteger(params, 'TimeOut', 1, MAX_TIME_LIMIT_SECONDS),
    customField: parseCustomField(optional(params, 'CustomField')),
    statusCallback: parseHttpUrl(params, 'StatusCallback'),
    statusCallbackEvents: parseStatusCallbackEvents(params),
    statusCallbackContentType: parseCallbackContentType(optional(params, 'StatusCallbackContentType')),
    record: parseRecord(optional(params, 'Record')),
    recordingChannels: parseRecordingChannels(optional(params, 'RecordingChannels')),
    params: Object.fromEntries(params),
  };
}

function parseDestination(params: URLSearchParams): MediaDestination {
  const streamUrl = optional(params, 'StreamUrl');
  const flowUrl = optional(params, 'Url');
  if (streamUrl !== undefined && flowUrl !== undefined) {
    throw new RestException(400, 'Send either StreamUrl or Url, not both', REST_EXCEPTION_CODES.conflictingDestination);
  }
  if (streamUrl === undefined && flowUrl === undefined) {
    throw new RestException(400, 'One of StreamUrl or Url is required', REST_EXCEPTION_CODES.conflictingDestination);
  }
  if (flowUrl !== undefined) {
    return { mode: 'flow', flowUrl: parseHttpUrl(params, 'Url') as string };
  }
  const stream = parseStreamUrl(streamUrl as string);
  if ('problem' in stream) throw invalidParameter(`StreamUrl ${stream.problem}`);
  const streamType = optional(params, 'StreamType');
  if (streamType !== 'bidirectional') {
    throw invalidParameter('StreamType must be bidirectional: the simulator models Voicebot (bidirectional) streams only');
  }
  return { mode: 'stream', stream };
}

function parseCallType(value: string | undefined): 'trans' | 'promo' {
  if (value === undefined || value === 'trans' || value === 'promo') return value ?? 'trans';
  throw invalidParameter(`CallType must be trans or promo, got ${value}`);
}

function parseRecord(value: string | undefined): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw invalidParameter(`Record must be true or false, got ${value}`);
}

function parseRecordingChannels(value: string | undefined): RecordingChannels {
  if (value === undefined || value === 'single' || value === 'dual') return value ?? 'single';
  throw invalidParameter(`RecordingChannels must be single or dual, got ${value}`);
}

function parseCustomField(value: string | undefined): string | undefined {
  if (value !== undefined && value.length > MAX_CUSTOM_FIELD_LENGTH) {
    throw invalidParameter(`CustomField must be at most ${MAX_CUSTOM_FIELD_LENGTH} characters`);
  }
  return value;
}

function parseStatusCallbackEvents(params: URLSearchParams): StatusCallbackEvent[] {
  const events: StatusCallbackEvent[] = [];
  for (const [name, value] of params) {
    if (!STATUS_CALLBACK_EVENTS_NAME.test(name)) continue;
    if (value !== 'answered' && value !== 'terminal') {
      throw invalidParameter(`${name} must be answered or terminal, got ${value}`);
    }
    if (!events.includes(value)) events.push(value);
  }
  return events;
}

function parseCallbackContentType(value: string | undefined): CallbackContentType {
  if (value === undefined || value === 'multipart/form-data') return 'multipart/form-data';
  if (value === 'application/json') return value;
  throw invalidParameter('StatusCallbackContentType must be application/json or multipart/form-data');
}

function parseHttpUrl(params: URLSearchParams, name: string): string | undefined {
  const value = optional(params, name);
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {
    // Falls through to the refusal below.
  }
  throw invalidParameter(`${name} must be an http(s) URL`);
}

function optionalInteger(params: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const value = optional(params, name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw invalidParameter(`${name} must be a whole number of seconds between ${min} and ${max}`);
  }
  return number;
}

/** Empty values count as absent, as they do for form posts generally. */
function optional(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name);
  return value === null || value.trim() === '' ? undefined : value.trim();
}

function required(params: URLSearchParams, name: string): string {
  const value = optional(params, name);
  if (value === undefined) throw new RestException(400, `${name} is required`, REST_EXCEPTION_CODES.missingParameter);
  return value;
}

function invalidParameter(message: string): RestException {
  return new RestException(400, message, REST_EXCEPTION_CODES.invalidParameter);
}

function invalidNumber(name: string, value: string): RestException {
  return new RestException(400, `${name} ${value} is not a valid phone number`, REST_EXCEPTION_CODES.invalidPhoneNumber);
}
