import path from 'node:path';
import { parseArgs } from 'node:util';
import { connectDatabase, disconnectDatabase } from '../db/connection';
import { DEFAULT_ORG_ID, ROLES, type Role } from '../domain/access-control';
import { appendAudit } from '../api/access/audit-trail';
import { createApiKey, listApiKeys, revokeApiKey } from '../lib/api-keys';
import { getConfigOrExit } from '../lib/config';
import { LOCAL_SECRETS_FILE, readStoredSecrets } from '../lib/generated-secrets';
import { dataDirFrom } from './stack/stack-layout';

/**
 * `./ringline keys create --role ROLE [--org ORG] [--name NAME] [--agent ID]… [--expires ISO]`,
 * `keys list [--org ORG]`, `keys revoke ID`. Talks to the database directly (MONGODB_URI), so the
 * first admin key can be made before any key exists; every action is written to the audit trail.
 * API_KEY_PEPPER comes from the environment, or from the local stack's data directory.
 */
const USAGE = `usage: ./ringline keys create --role ${ROLES.join('|')} [--org ORG] [--name NAME] [--agent AGENT_ID]... [--expires ISO_TIME]
       ./ringline keys list [--org ORG]
       ./ringline keys revoke KEY_ID`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      org: { type: 'string' },
      name: { type: 'string' },
      agent: { type: 'string', multiple: true },
      expires: { type: 'string' },
    },
  });
  // Beside a local stack, its data directory holds the secrets (the pepper) its API uses.
  const local = readStoredSecrets(path.join(dataDirFrom(process.env), LOCAL_SECRETS_FILE));
  for (const [name, value] of Object.entries(local)) process.env[name] ||= value;
  const config = getConfigOrExit();
  const audit = (action: string, orgId: string | null, resourceId: string | null, status: number) =>
    appendAudit({ orgId, keyId: null, action, method: 'CLI', route: `keys ${command}`, resourceId, ip: 'cli', status });

  if (command === 'create') {
    const role = values.role as Role | undefined;
    if (!role || !ROLES.includes(role)) return usage(`--role must be one of ${ROLES.join(', ')}`);
    const expiresAt = values.expires ? new Date(values.expires) : null;
    if (expiresAt && (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now())) return usage('--expires must be a future ISO time');
    await connectDatabase(config.MONGODB_URI);
    const orgId = values.org ?? DEFAULT_ORG_ID;
    const { key, view } = await createApiKey({ role, orgId, name: values.name, agentIds: values.agent, expiresAt }, config.API_KEY_PEPPER);
    await audit('keys.create', orgId, view.id, 201);
    process.stdout.write(`created ${view.id} (${view.role}, organization ${view.orgId}${view.name ? `, "${view.name}"` : ''})\n`);
    process.stdout.write('The key is shown only now; store it where its user keeps secrets:\n');
    process.stdout.write(`${key}\n`);
    return 0;
  }
  if (command === 'list') {
    await connectDatabase(config.MONGODB_URI);
    for (const key of await listApiKeys(values.org)) {
      const state = key.revokedAt ? `revoked ${key.revokedAt}` : key.expiresAt && Date.parse(key.expiresAt) <= Date.now() ? `expired ${key.expiresAt}` : 'active';
      process.stdout.write(
        `${key.id}  ${key.prefix}…  ${key.role.padEnd(13)} ${key.orgId}  ${state}  last used ${key.lastUsedAt ?? 'never'}  ${key.name}\n`,
      );
    }
    return 0;
  }
  if (command === 'revoke') {
    const keyId = positionals[0];
    if (!keyId) return usage('revoke needs a key id (key_…)');
    await connectDatabase(config.MONGODB_URI);
    const view = await revokeApiKey(keyId);
    await audit('keys.revoke', view?.orgId ?? null, keyId, view ? 200 : 404);
    if (!view) {
      process.stderr.write(`no key ${keyId}\n`);
      return 1;
    }
    process.stdout.write(`revoked ${view.id} at ${view.revokedAt}\n`);
    return 0;
  }
  return usage(command ? `unknown command ${command}` : 'a command is needed');
}

function usage(problem: string): number {
  process.stderr.write(`${problem}\n${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2))
  .then(async (code) => {
    await disconnectDatabase();
    process.exit(code);
  })
  .catch(async (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    await disconnectDatabase().catch(() => undefined);
    process.exit(1);
  });
