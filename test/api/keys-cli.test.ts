import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import { connectDatabase, disconnectDatabase } from '../../db/connection';
import { ApiKey } from '../../db/models/api-key';
import { AuditEntry } from '../../db/models/audit-entry';
import { findUsableKey, hashApiKey } from '../../lib/api-keys';
import { generateSecrets } from '../../lib/generated-secrets';
import { testDatabaseUri } from '../helpers/test-infra';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '../..');
const uri = testDatabaseUri('keys_cli');
const secrets = generateSecrets();
const pepper = secrets.API_KEY_PEPPER;

function keys(...args: string[]) {
  return run('node', ['--import', 'tsx', 'scripts/keys.ts', ...args], { cwd: ROOT, env: { ...process.env, ...secrets, MONGODB_URI: uri, LOG_LEVEL: 'silent' } });
}

beforeAll(async () => {
  await connectDatabase(uri);
});

afterAll(async () => {
  await mongoose.connection.db?.dropDatabase();
  await disconnectDatabase();
});

describe('./ringline keys', () => {
  it('creates a key printed on its last line and stored only as its hash, lists it, and revokes it', async () => {
    const created = await keys('create', '--role', 'api_client', '--org', 'org_cli', '--name', 'billing system');
    const lines = created.stdout.trim().split('\n');
    const key = lines[lines.length - 1];
    expect(key).toMatch(/^rlk_[A-Za-z0-9_-]{43}$/);
    const row = await ApiKey.findOne({ orgId: 'org_cli' }).lean();
    expect(row).toMatchObject({ role: 'api_client', name: 'billing system', hash: hashApiKey(key, pepper), revokedAt: null });
    expect(JSON.stringify(row)).not.toContain(key);
    expect(await findUsableKey(key, pepper)).not.toBeNull();

    const listed = await keys('list', '--org', 'org_cli');
    expect(listed.stdout).toContain(row!._id);
    expect(listed.stdout).toContain('active');
    expect(listed.stdout).not.toContain(key);

    const revoked = await keys('revoke', row!._id);
    expect(revoked.stdout).toContain(`revoked ${row!._id}`);
    expect(await findUsableKey(key, pepper)).toBeNull();
    expect((await keys('list', '--org', 'org_cli')).stdout).toContain('revoked');
    const audit = await AuditEntry.find({ resourceId: row!._id }).sort({ at: 1 }).lean();
    expect(audit.map((entry) => [entry.action, entry.ip])).toEqual([['keys.create', 'cli'], ['keys.revoke', 'cli']]);
  });

  it('refuses an unknown role and an unknown command with usage', async () => {
    await expect(keys('create', '--role', 'root')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--role must be one of') });
    await expect(keys('rotate')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage:') });
    await expect(keys('revoke', 'key_ffffffffffffffff')).rejects.toMatchObject({ code: 1 });
  });
});
