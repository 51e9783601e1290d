import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MIN_SECRET_CHARS } from '../domain/config';

export type HmacSecrets = {
  WEBHOOK_SECRET: string;
  MEDIA_TOKEN_SECRET: string;
};

/**
 * Fresh random values for the secrets that have no default (WEBHOOK_SECRET, MEDIA_TOKEN_SECRET): for
 * test harnesses and benches that build a config, and for the local stack's first start.
 */
export function generateSecrets(): HmacSecrets {
  return { WEBHOOK_SECRET: randomBytes(32).toString('hex'), MEDIA_TOKEN_SECRET: randomBytes(32).toString('hex') };
}

const isSecret = (value: unknown): value is string => typeof value === 'string' && value.length >= MIN_SECRET_CHARS;

/**
 * One set of secrets per checkout for a local stack: read from `file` (JSON) when it holds both, else
 * generated and written there, readable by the owner only. Signed URLs of calls still in flight keep
 * verifying across restarts because the values persist with the rest of the local state.
 */
export function loadOrCreateSecrets(file: string): HmacSecrets {
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<keyof HmacSecrets, unknown>>;
    if (isSecret(stored.WEBHOOK_SECRET) && isSecret(stored.MEDIA_TOKEN_SECRET)) {
      return { WEBHOOK_SECRET: stored.WEBHOOK_SECRET, MEDIA_TOKEN_SECRET: stored.MEDIA_TOKEN_SECRET };
    }
  }
  const secrets = generateSecrets();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}
