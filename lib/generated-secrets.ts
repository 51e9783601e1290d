import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MIN_SECRET_CHARS } from '../domain/config';
import { generatePayloadKeysSetting } from './payload-codec';

/** Where a local stack keeps its secrets, inside its data directory. */
export const LOCAL_SECRETS_FILE = 'local-secrets.json';

export type GeneratedSecrets = {
  WEBHOOK_SECRET: string;
  MEDIA_TOKEN_SECRET: string;
  API_KEY_PEPPER: string;
  PAYLOAD_KEYS: string;
  CODEC_SERVER_TOKEN: string;
};

/**
 * Fresh random values for the secrets that have no default (WEBHOOK_SECRET, MEDIA_TOKEN_SECRET,
 * API_KEY_PEPPER, the payload keyring PAYLOAD_KEYS, and the Web UI's codec server token): for
 * test harnesses and benches that build a config, and for the local stack's first start.
 */
export function generateSecrets(): GeneratedSecrets {
  const random = () => randomBytes(32).toString('hex');
  return {
    WEBHOOK_SECRET: random(),
    MEDIA_TOKEN_SECRET: random(),
    API_KEY_PEPPER: random(),
    PAYLOAD_KEYS: generatePayloadKeysSetting(),
    CODEC_SERVER_TOKEN: random(),
  };
}

const isSecret = (value: unknown): value is string => typeof value === 'string' && value.length >= MIN_SECRET_CHARS;

/** The usable values a local stack's secrets file holds, without making any: none when it is missing or unreadable. */
export function readStoredSecrets(file: string): Partial<GeneratedSecrets> {
  if (!existsSync(file)) return {};
  let stored: Partial<Record<keyof GeneratedSecrets, unknown>>;
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as typeof stored;
  } catch {
    return {};
  }
  return Object.fromEntries(Object.entries(stored).filter(([, value]) => isSecret(value))) as Partial<GeneratedSecrets>;
}

/**
 * One set of secrets per checkout for a local stack: each value read from `file` (JSON) when it is
 * usable, the missing ones generated, and the file rewritten (owner-readable only) when anything was
 * added. Signed URLs and keys made before a restart keep verifying after it, and a secret added in a
 * later version does not replace the ones already in use.
 */
export function loadOrCreateSecrets(file: string): GeneratedSecrets {
  const stored = readStoredSecrets(file);
  const fresh = generateSecrets();
  const names = Object.keys(fresh) as (keyof GeneratedSecrets)[];
  const secrets = Object.fromEntries(names.map((name) => [name, isSecret(stored[name]) ? stored[name] : fresh[name]])) as GeneratedSecrets;
  if (names.some((name) => stored[name] !== secrets[name])) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  return secrets;
}
