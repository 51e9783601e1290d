import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createApiKey, findUsableKey } from '../../lib/api-keys';

/**
 * The local stack's admin key for the default organization: made on the first start of a data
 * directory (and again whenever the kept one stops working, e.g. after `./ringline keys revoke`),
 * kept in `<data>/admin-key` (owner-readable only) for the demo and for its user, who is shown it once.
 * Needs a connected database.
 */
export async function localAdminKey(dataDir: string, pepper: string): Promise<{ key: string; file: string; created: boolean }> {
  const file = path.join(dataDir, 'admin-key');
  let kept = '';
  try {
    kept = readFileSync(file, 'utf8').trim();
  } catch {
    // First start of this data directory.
  }
  if (kept && (await findUsableKey(kept, pepper))?.role === 'admin') return { key: kept, file, created: false };
  const { key } = await createApiKey({ role: 'admin', name: 'local admin (made by ./ringline start)' }, pepper);
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return { key, file, created: true };
}
