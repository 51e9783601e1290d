import { isDtmfDigit } from '../domain/conversation/dtmf';

/**
 * Exotel's Voicebot (bidirectional stream) messages, DESIGN 7.1. Keys come in snake_case, though
 * camelCase (`streamSid`, `callSid`) is met too, and numbers may arrive as strings: the parser takes
 * both. Anything it cannot use is reported as a problem for the caller to log and survive.
 */

export const SAMPLE_RATES = [8000, 16000, 24000] as const;
export type SampleRate = (typeof SAMPLE_RATES)[number];
/** Exotel's rate when the stream URL does not ask for another (Ringline's never does). */
export const DEFAULT_SAMPLE_RATE: SampleRate = 8000;

export interface StartMessage {
  event: 'start';
  streamSid: string;
  callSid: string;
  /** The stream URL's extra query parameters, as Exotel hands them back. */
  customParameters: Record<string, string>;
  sampleRate?: SampleRate;
}

export type ExotelInbound =
  | { event: 'connected' }
  | StartMessage
  | { event: 'media'; payload: Buffer }
  | { event: 'dtmf'; digit: string }
  | { event: 'mark'; name: string }
  | { event: 'stop'; reason?: string };

export type ParsedInbound = { ok: true; message: ExotelInbound } | { ok: false; problem: MalformedKind; detail: string };

export type MalformedKind = 'not_json' | 'unknown_event' | 'bad_field' | 'bad_audio';

type Json = Record<string, unknown>;

export function parseInbound(text: string): ParsedInbound {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return problem('not_json', 'frame is not JSON');
  }
  if (!isObject(value)) return problem('not_json', 'frame is not a JSON object');
  const event = value.event;
  switch (event) {
    case 'connected':
      return ok({ event });
    case 'start':
      return parseStart(value);
    case 'media':
      return parseMedia(value);
    case 'dtmf': {
      const digit = field(object(value, 'dtmf'), 'digit');
      const text = typeof digit === 'number' ? String(digit) : digit;
      if (typeof text !== 'string' || !isDtmfDigit(text)) return problem('bad_field', 'dtmf without a valid digit');
      return ok({ event, digit: text });
    }
    case 'mark': {
      const name = field(object(value, 'mark'), 'name');
      if (typeof name !== 'string' && typeof name !== 'number') return problem('bad_field', 'mark without a name');
      return ok({ event, name: String(name) });
    }
    case 'stop': {
      const reason = field(object(value, 'stop'), 'reason');
      return ok({ event, reason: typeof reason === 'string' ? reason : undefined });
    }
    default:
      return problem('unknown_event', `unknown event ${JSON.stringify(event)?.slice(0, 40)}`);
  }
}

function parseStart(value: Json): ParsedInbound {
  const start = object(value, 'start');
  const streamSid = text(field(start, 'stream_sid', 'streamSid') ?? field(value, 'stream_sid', 'streamSid'));
  const callSid = text(field(start, 'call_sid', 'callSid'));
  if (!streamSid || !callSid) return problem('bad_field', 'start without stream_sid or call_sid');
  const format = object(start, 'media_format', 'mediaFormat');
  const rate = Number(field(format, 'sample_rate', 'sampleRate'));
  const custom = object(start, 'custom_parameters', 'customParameters');
  return ok({
    event: 'start',
    streamSid,
    callSid,
    customParameters: Object.fromEntries(
      Object.entries(custom).filter((entry): entry is [string, string | number] => ['string', 'number'].includes(typeof entry[1])).map(([k, v]) => [k, String(v)]),
    ),
    sampleRate: (SAMPLE_RATES as readonly number[]).includes(rate) ? (rate as SampleRate) : undefined,
  });
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function parseMedia(value: Json): ParsedInbound {
  const payload = field(object(value, 'media'), 'payload');
  if (typeof payload !== 'string') return problem('bad_field', 'media without a payload');
  if (payload.length % 4 !== 0 || !BASE64.test(payload)) return problem('bad_audio', 'media payload is not base64');
  const pcm = Buffer.from(payload, 'base64');
  // Whole 16-bit samples or the frame is corrupt: playing it on would shift every later sample by a byte.
  if (pcm.length % 2 !== 0) return problem('bad_audio', `media payload of ${pcm.length} bytes is not whole 16-bit samples`);
  return ok({ event: 'media', payload: pcm });
}

/** Bot → Exotel messages. `sequence_number`, `media.chunk` and `media.timestamp` are optional but safe; Exotel's own bridges send them. */
export function mediaMessage(streamSid: string, sequenceNumber: number, chunk: number, timestampMs: number, pcm: Buffer): string {
  return JSON.stringify({
    event: 'media',
    sequence_number: sequenceNumber,
    stream_sid: streamSid,
    media: { chunk, timestamp: String(Math.round(timestampMs)), payload: pcm.toString('base64') },
  });
}

export function markMessage(streamSid: string, sequenceNumber: number, name: string): string {
  return JSON.stringify({ event: 'mark', sequence_number: sequenceNumber, stream_sid: streamSid, mark: { name } });
}

export function clearMessage(streamSid: string, sequenceNumber: number): string {
  return JSON.stringify({ event: 'clear', sequence_number: sequenceNumber, stream_sid: streamSid });
}

function ok(message: ExotelInbound): ParsedInbound {
  return { ok: true, message };
}

function problem(kind: MalformedKind, detail: string): ParsedInbound {
  return { ok: false, problem: kind, detail };
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function object(parent: Json, ...keys: string[]): Json {
  const value = field(parent, ...keys);
  return isObject(value) ? value : {};
}

function field(parent: Json, ...keys: string[]): unknown {
  for (const key of keys) if (parent[key] !== undefined) return parent[key];
  return undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
