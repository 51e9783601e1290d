import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The media WebSocket URL of one attempt carries a token: an expiry and an HMAC over call id, attempt
 * and that expiry. The media server refuses any connection whose token does not verify.
 */
function mac(secret: string, callId: string, attempt: number, expiresAt: number): string {
  return createHmac('sha256', secret).update(`media:${callId}:${attempt}:${expiresAt}`).digest('base64url');
}

export function createMediaToken(secret: string, callId: string, attempt: number, expiresAt: number): string {
  return `${expiresAt.toString(36)}.${mac(secret, callId, attempt, expiresAt)}`;
}

export type MediaTokenCheck = { ok: true } | { ok: false; reason: 'malformed' | 'expired' | 'bad_signature' };

export function verifyMediaToken(secret: string, callId: string, attempt: number, token: string, now = Date.now()): MediaTokenCheck {
  const [expiry, signature] = token.split('.');
  const expiresAt = expiry ? parseInt(expiry, 36) : NaN;
  if (!signature || !Number.isFinite(expiresAt)) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(mac(secret, callId, attempt, expiresAt));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad_signature' };
  if (expiresAt < now) return { ok: false, reason: 'expired' };
  return { ok: true };
}

/** `ws(s)://<media host>/ws/exotel/voice/<callId>/<attempt>?token=…` as DESIGN §2 fixes it. */
export function mediaStreamUrl(publicMediaWsUrl: string, secret: string, callId: string, attempt: number, expiresAt: number): string {
  const url = new URL(`/ws/exotel/voice/${encodeURIComponent(callId)}/${attempt}`, publicMediaWsUrl);
  url.searchParams.set('token', createMediaToken(secret, callId, attempt, expiresAt));
  return url.toString();
}
