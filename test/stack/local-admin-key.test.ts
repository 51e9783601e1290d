import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { connectDatabase, disconnectDatabase } from '../../db/connection';
import { ApiKey } from '../../db/models/api-key';
import { findUsableKey } from '../../lib/api-keys';
import { generateSecrets } from '../../lib/generated-secrets';
import { localAdminKey } from '../../scripts/stack/local-admin-key';
import { testDatabaseUri } from '../helpers/test-infra';

const { API_KEY_PEPPER: pepper } = generateSecrets();

beforeAll(async () => {
  await connectDatabase(testDatabaseUri('local_admin_key'));
});

afterAll(async () => {
  await mongoose.connection.db?.dropDatabase();
  await disconnectDatabase();
});

describe('localAdminKey', () => {
  it('makes an admin key of the default organization on first start, keeps it owner-readable, and reuses it', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ringline-admin-key-'));
    const first = await localAdminKey(dataDir, pepper);
    expect(first.created).toBe(true);
    expect(first.key).toMatch(/^rlk_/);
    expect(await findUsableKey(first.key, pepper)).toMatchObject({ role: 'admin', orgId: 'org_default' });
    expect(readFileSync(first.file, 'utf8').trim()).toBe(first.key);
    expect(statSync(first.file).mode & 0o777).toBe(0o600);
    expect(await localAdminKey(dataDir, pepper)).toEqual({ ...first, created: false });
  });

  it('makes a new one when the kept key was revoked or is not a key at all', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ringline-admin-key-'));
    const first = await localAdminKey(dataDir, pepper);
    await ApiKey.updateMany({}, { $set: { revokedAt: new Date() } });
    const second = await localAdminKey(dataDir, pepper);
    expect(second.created).toBe(true);
    expect(second.key).not.toBe(first.key);
    writeFileSync(second.file, 'not a key\n');
    expect((await localAdminKey(dataDir, pepper)).created).toBe(true);
  });
});
