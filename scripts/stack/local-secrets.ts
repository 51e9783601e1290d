import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The HMAC secrets of a local stack: random for each data directory, made on its first start and kept
 * (readable by the owner only) so that callback URLs and media tokens signed before a restart still
 * verify after it. Nothing signs with a key that anyone else knows.
 */
export const LOCAL_SECRET_NAMES = ['WEBHOOK_SECRET', 'MEDIA_TOKEN_SECRET'] as const;

export function loadOrCreateLocalSecrets(dataDir: string): Record<string, string> {
  const file = path.join(dataDir, 'local-secrets.json');
  let stored: Record<string, string> = {};
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    // First start of this data directory (or an unreadable file): make them anew.
  }
  const secrets = Object.fromEntries(
    LOCAL_SECRET_NAMES.map((name) => [name, typeof stored[name] === 'string' && stored[name].length >= 32 ? stored[name] : randomBytes(32).toString('base64url')]),
  );
  if (LOCAL_SECRET_NAMES.some((name) => stored[name] !== secrets[name])) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  return secrets;
}
