import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The media server's control endpoint (end a live call) accepts only requests signed with the shared
 * media secret; the timestamp bounds replay of a captured request.
 */
export const CONTROL_SIGNATURE_HEADER = 'x-ringline-signature';
export const CONTROL_TIMESTAMP_HEADER = 'x-ringline-timestamp';
const MAX_SKEW_MS = 60_000;

export function signControlRequest(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`control:${timestamp}:${body}`).digest('base64url');
}

export function verifyControlRequest(secret: string, timestamp: number, body: string, signature: string, now = Date.now()): boolean {
  if (!Number.isFinite(timestamp) || Math.abs(now - timestamp) > MAX_SKEW_MS) return false;
  const expected = Buffer.from(signControlRequest(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
