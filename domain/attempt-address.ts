/**
 * Every way Ringline writes down which attempt of which call something belongs to, encoded and decoded
 * here so that no writer can drift from its reader: the attempt's CallLog id, its RetryAttempt key,
 * its key (Exotel's `CustomField`, the media server's session map), the routing part of its
 * StatusCallback URL and the path of its media WebSocket URL (DESIGN §2).
 */
export interface AttemptAddress {
  callId: string;
  attempt: number;
}

/** Call ids (and CallLog ids) are URL-, log- and key-safe; series and campaign calls carry `<seriesId>-<n>` shapes. */
export const CALL_ID_SHAPE = /^[A-Za-z0-9_:.-]{1,128}$/;

function isAttemptNumber(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 1;
}

function attemptFromText(text: string): number | undefined {
  if (!/^[0-9]{1,9}$/.test(text)) return undefined;
  const attempt = Number(text);
  return isAttemptNumber(attempt) ? attempt : undefined;
}

/**
 * The first attempt's CallLog id is the call id itself (the public `callLogId`); each retry gets
 * `<callId>-<attempt>`, so an attempt's row can be upserted by id from anywhere without a lookup.
 */
export function attemptCallLogId(callId: string, attempt: number): string {
  return attempt === 1 ? callId : `${callId}-${attempt}`;
}

/** The RetryAttempt row of a retry: keyed by the first attempt's CallLog id and the retry's number. */
export function retryAttemptKey(callId: string, attempt: number): { originalCallLogId: string; attemptNumber: number } {
  return { originalCallLogId: attemptCallLogId(callId, 1), attemptNumber: attempt };
}

/** `<callId>:<attempt>`: sent to Exotel as `CustomField` with each dial, and the media server's session key. */
export function attemptKey(callId: string, attempt: number): string {
  return `${callId}:${attempt}`;
}

export function parseAttemptKey(value: string): AttemptAddress | undefined {
  const at = value.lastIndexOf(':');
  if (at <= 0) return undefined;
  const attempt = attemptFromText(value.slice(at + 1));
  return attempt === undefined ? undefined : { callId: value.slice(0, at), attempt };
}

/** The StatusCallback URL names its attempt as `call=<callId>&attempt=<n>`; the HMAC next to them is lib/hmac-auth.ts's. */
export function setAttemptQuery(params: URLSearchParams, address: AttemptAddress): void {
  params.set('call', address.callId);
  params.set('attempt', String(address.attempt));
}

export function readAttemptQuery(query: Readonly<Record<string, unknown>>): AttemptAddress | undefined {
  const { call, attempt } = query;
  if (typeof call !== 'string' || typeof attempt !== 'string' || !CALL_ID_SHAPE.test(call)) return undefined;
  const number = attemptFromText(attempt);
  return number === undefined ? undefined : { callId: call, attempt: number };
}

/** `/ws/exotel/voice/<callId>/<attempt>`: the path of an attempt's media WebSocket URL. */
export function mediaStreamPath(address: AttemptAddress): string {
  return `/ws/exotel/voice/${encodeURIComponent(address.callId)}/${address.attempt}`;
}

const MEDIA_STREAM_PATH = /^\/ws\/exotel\/voice\/([^/]+)\/([0-9]+)$/;

export type MediaStreamPathMatch = { ok: true; address: AttemptAddress } | { ok: false; reason: 'not_media_path' | 'malformed' };

export function parseMediaStreamPath(pathname: string): MediaStreamPathMatch {
  const match = MEDIA_STREAM_PATH.exec(pathname);
  if (!match) return { ok: false, reason: 'not_media_path' };
  let callId: string;
  try {
    callId = decodeURIComponent(match[1]);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const attempt = attemptFromText(match[2]);
  if (attempt === undefined) return { ok: false, reason: 'malformed' };
  return { ok: true, address: { callId, attempt } };
}
