import { randomBytes } from 'node:crypto';

/**
 * Fresh random values for the secrets that have no default (WEBHOOK_SECRET, MEDIA_TOKEN_SECRET): for
 * test harnesses and benches that build a config, and for a local stack that keeps one set per checkout.
 */
export function generateSecrets(): { WEBHOOK_SECRET: string; MEDIA_TOKEN_SECRET: string } {
  return { WEBHOOK_SECRET: randomBytes(32).toString('hex'), MEDIA_TOKEN_SECRET: randomBytes(32).toString('hex') };
}
