import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../domain/config';
import { generateSecrets, loadOrCreateSecrets } from '../../lib/generated-secrets';

describe('generated secrets', () => {
  it('are random, distinct and accepted by the config', () => {
    const a = generateSecrets();
    const b = generateSecrets();
    expect(a.WEBHOOK_SECRET).not.toBe(b.WEBHOOK_SECRET);
    expect(a.WEBHOOK_SECRET).not.toBe(a.MEDIA_TOKEN_SECRET);
    expect(parseConfig({ ...a }).MEDIA_TOKEN_SECRET).toBe(a.MEDIA_TOKEN_SECRET);
  });

  it('are made once per local state directory, owner-readable only, and reused after', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ringline-secrets-')), 'nested', 'secrets.json');
    const first = loadOrCreateSecrets(file);
    expect(loadOrCreateSecrets(file)).toEqual(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(first);
  });

  it('replaces an unusable value and adds a missing one, keeping the usable ones', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ringline-secrets-')), 'secrets.json');
    writeFileSync(file, JSON.stringify({ WEBHOOK_SECRET: 'short', MEDIA_TOKEN_SECRET: 'x'.repeat(40) }));
    const secrets = loadOrCreateSecrets(file);
    expect(secrets.WEBHOOK_SECRET).toHaveLength(64);
    expect(secrets.MEDIA_TOKEN_SECRET).toBe('x'.repeat(40));
    expect(secrets.API_KEY_PEPPER).toHaveLength(64);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(secrets);
  });

  it('replaces a file that is not JSON', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ringline-secrets-')), 'secrets.json');
    writeFileSync(file, '{not json');
    expect(loadOrCreateSecrets(file).WEBHOOK_SECRET).toHaveLength(64);
  });
});
