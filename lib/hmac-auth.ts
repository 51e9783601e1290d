import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mediaStreamPath, setAttemptQuery, type AttemptAddress } from '../domain/attempt-address';
import { CALL_SID_SHAPE } from '../domain/call-sid';

/**
 * Every credential Ringline mints with its shared secrets, signed and checked here so that writer and
 * reader cannot drift apart: the media WebSocket token (MEDIA_TOKEN_SECRET), the StatusCallback URL
 * signature (WEBHOOK_SECRET) and the media server's control-request signature (MEDIA_TOKEN_SECRET).
 * Each MAC starts with its purpose, so one kind can never be replayed as another. The outcome webhooks'
 * signature, checked by clients rather than by Ringline, follows the published format instead.
 */

function mac(secret: string, purpose: string, parts: readonly (string | number)[]): string {
  return createHmac('sha256', secret).update([purpose, ...parts.map(String)].join('\n')).digest('base64url');
}

/** Timing-safe for any lengths: both sides are hashed to a fixed size before the constant-time compare. */
export function safeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

// --- media WebSocket token --------------------------------------------------------------------

/**
 * What a media token grants: one WebSocket for one attempt, once (the nonce), until `expiresAt`, and,
 * when the CallSid was known at issue (flow mode), only for that Exotel call.
 */
export interface MediaTokenClaims {
  callId: string;
  attempt: number;
  nonce: string;
  expiresAt: number;
  callSid?: string;
}

const NONCE_SHAPE = /^[A-Za-z0-9_-]{16,64}$/;

function mediaMac(secret: string, claims: MediaTokenClaims): string {
  return mac(secret, 'media-token-v2', [claims.callId, claims.attempt, claims.callSid ?? '', claims.nonce, claims.expiresAt]);
}

/** `<expiry base36>.<nonce>.<CallSid or empty>.<mac>` */
export function createMediaToken(secret: string, claims: MediaTokenClaims): string {
  return [claims.expiresAt.toString(36), claims.nonce, claims.callSid ?? '', mediaMac(secret, claims)].join('.');
}

export type MediaTokenCheck =
  | { ok: true; claims: MediaTokenClaims }
  | { ok: false; reason: 'malformed' | 'expired' | 'bad_signature' };

export function verifyMediaToken(secret: string, callId: string, attempt: number, token: string, now = Date.now()): MediaTokenCheck {
  const parts = token.split('.');
  if (parts.length !== 4) return { ok: false, reason: 'malformed' };
  const [expiry, nonce, callSid, signature] = parts;
  const expiresAt = /^[0-9a-z]{1,12}$/.test(expiry) ? parseInt(expiry, 36) : NaN;
  if (!Number.isFinite(expiresAt) || !NONCE_SHAPE.test(nonce) || (callSid !== '' && !CALL_SID_SHAPE.test(callSid))) {
    return { ok: false, reason: 'malformed' };
  }
  const claims: MediaTokenClaims = { callId, attempt, nonce, expiresAt, ...(callSid ? { callSid } : {}) };
  if (!safeEqual(signature, mediaMac(secret, claims))) return { ok: false, reason: 'bad_signature' };
  if (expiresAt < now) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

/** `ws(s)://<media host>/ws/exotel/voice/<callId>/<attempt>?token=…` as DESIGN §2 fixes it, with a fresh nonce. */
export function mediaStreamUrl(
  publicMediaWsUrl: string,
  secret: string,
  grant: { callId: string; attempt: number; expiresAt: number; callSid?: string },
): string {
  const url = new URL(mediaStreamPath(grant), publicMediaWsUrl);
  url.searchParams.set('token', createMediaToken(secret, { ...grant, nonce: newNonce() }));
  return url.toString();
}

// --- StatusCallback URL signature ---------------------------------------------------------------

/**
 * Exotel signs nothing, so each attempt's StatusCallback URL carries an HMAC over the call id, the
 * attempt number and an expiry: only someone who saw the URL Ringline gave Exotel can post to it, and
 * only for as long as that attempt can still produce callbacks.
 */
export function signStatusCallback(secret: string, callId: string, attempt: number, expiresAt: number): string {
  return mac(secret, 'status-callback-v2', [callId, attempt, expiresAt]);
}

export type StatusCallbackCheck = { ok: true } | { ok: false; reason: 'bad_signature' | 'expired' };

export function verifyStatusCallback(
  secret: string,
  signed: { callId: string; attempt: number; expiresAt: number; sig: string },
  now = Date.now(),
): StatusCallbackCheck {
  if (!safeEqual(signed.sig, signStatusCallback(secret, signed.callId, signed.attempt, signed.expiresAt))) {
    return { ok: false, reason: 'bad_signature' };
  }
  if (signed.expiresAt < now) return { ok: false, reason: 'expired' };
  return { ok: true };
}

export function statusCallbackUrl(publicApiUrl: string, secret: string, address: AttemptAddress, expiresAt: number): string {
  const url = new URL('/api/v1/webhooks/exotel/call-status', publicApiUrl);
  setAttemptQuery(url.searchParams, address);
  url.searchParams.set('exp', String(expiresAt));
  url.searchParams.set('sig', signStatusCallback(secret, address.callId, address.attempt, expiresAt));
  return url.toString();
}

// --- media server control requests --------------------------------------------------------------

/**
 * The media server's control endpoints (end a live call, prewarm a greeting) accept only requests
 * signed with the shared media secret over timestamp, nonce and the exact body; the timestamp bounds
 * how long a nonce must be remembered, the nonce makes each request usable once.
 */
export const CONTROL_SIGNATURE_HEADER = 'x-ringline-signature';
export const CONTROL_TIMESTAMP_HEADER = 'x-ringline-timestamp';
export const CONTROL_NONCE_HEADER = 'x-ringline-nonce';
export const CONTROL_MAX_SKEW_MS = 60_000;

export function signControlRequest(secret: string, timestamp: number, nonce: string, body: string): string {
  return mac(secret, 'control-v2', [timestamp, nonce, body]);
}

/** Headers for one control request: a fresh nonce each time. */
export function controlRequestHeaders(secret: string, body: string, now = Date.now()): Record<string, string> {
  const nonce = newNonce();
  return {
    [CONTROL_TIMESTAMP_HEADER]: String(now),
    [CONTROL_NONCE_HEADER]: nonce,
    [CONTROL_SIGNATURE_HEADER]: signControlRequest(secret, now, nonce, body),
  };
}

export function verifyControlRequest(
  secret: string,
  signed: { timestamp: number; nonce: string; body: string; signature: string },
  now = Date.now(),
): boolean {
  if (!Number.isFinite(signed.timestamp) || Math.abs(now - signed.timestamp) > CONTROL_MAX_SKEW_MS) return false;
  if (!NONCE_SHAPE.test(signed.nonce)) return false;
  return safeEqual(signed.signature, signControlRequest(secret, signed.timestamp, signed.nonce, signed.body));
}

// --- outcome webhook signature ------------------------------------------------------------------

/**
 * Outcome webhooks (docs/webhooks.md) are signed with the organization's own `whsec_` secret in the
 * format clients verify with a few lines of code: `Ringline-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256 of "<t>.<raw body>">`. The timestamp lets a receiver refuse old replays.
 */
export const OUTCOME_SIGNATURE_HEADER = 'Ringline-Signature';

export function outcomeWebhookSignature(secret: string, body: string, now = Date.now()): string {
  const t = Math.floor(now / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}
