import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Exotel signs nothing, so each attempt's StatusCallback URL carries an HMAC over the call id and the
 * attempt number: only someone who saw the URL Ringline gave Exotel can post to it.
 */
export function signAttempt(secret: string, callId: string, attempt: number): string {
  return createHmac('sha256', secret).update(`status:${callId}:${attempt}`).digest('base64url');
}

export function verifyAttemptSignature(secret: string, callId: string, attempt: number, signature: string): boolean {
  const expected = Buffer.from(signAttempt(secret, callId, attempt));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function statusCallbackUrl(publicApiUrl: string, secret: string, callId: string, attempt: number): string {
  const url = new URL('/api/v1/webhooks/exotel/call-status', publicApiUrl);
  url.searchParams.set('call', callId);
  url.searchParams.set('attempt', String(attempt));
  url.searchParams.set('sig', signAttempt(secret, callId, attempt));
  return url.toString();
}
