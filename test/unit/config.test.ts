import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configShape, ConfigError, parseConfig as parseWithoutSecrets } from '../../domain/config';
import { generateSecrets } from '../../lib/generated-secrets';

const secrets = generateSecrets();
const parseConfig = (env: Record<string, string>) => parseWithoutSecrets({ ...secrets, ...env });

function problemsOf(env: Record<string, string>): { variable: string; message: string }[] {
  try {
    parseWithoutSecrets(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('parseConfig', () => {
  it('runs on its defaults with an empty environment', () => {
    const config = parseConfig({});
    expect(config.API_PORT).toBe(3000);
    expect(config.MEDIA_PORT).toBe(3001);
    expect(config.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(config.EXOTEL_RATE_LIMIT_PER_MINUTE).toBe(200);
  });

  it.each([
    ['API_PORT', 'not-a-port', 'API_PORT'],
    ['API_PORT', '70000', 'API_PORT'],
    ['MONGODB_URI', 'postgres://x', 'MONGODB_URI'],
    ['EXOTEL_BASE_URL', 'exotel', 'EXOTEL_BASE_URL'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL'],
    ['MAX_CONCURRENT_CALLS', '0', 'MAX_CONCURRENT_CALLS'],
    ['METRICS_ENABLED', 'maybe', 'METRICS_ENABLED'],
  ])('rejects %s=%s and names the variable', (key, value, named) => {
    let error: unknown;
    try {
      parseConfig({ [key]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable)).toEqual([named]);
    expect((error as ConfigError).message).toContain(named);
  });

  it('reports every bad variable at once', () => {
    expect(() => parseConfig({ API_PORT: 'x', MEDIA_PORT: 'y' })).toThrow(/API_PORT[\s\S]*MEDIA_PORT/);
  });

  it('treats empty values as unset', () => {
    expect(parseConfig({ API_PORT: '' }).API_PORT).toBe(3000);
  });

  it('coerces numbers and flags', () => {
    const config = parseConfig({ API_PORT: '8080', METRICS_ENABLED: 'false' });
    expect(config.API_PORT).toBe(8080);
    expect(config.METRICS_ENABLED).toBe(false);
  });

  it.each(['development', 'test', 'production'])('refuses to start without the HMAC secrets, naming each (NODE_ENV=%s)', (nodeEnv) => {
    const problems = problemsOf({ NODE_ENV: nodeEnv });
    expect(problems.map((p) => p.variable)).toEqual(['WEBHOOK_SECRET', 'MEDIA_TOKEN_SECRET', 'PAYLOAD_KEYS', 'API_KEY_PEPPER']);
    for (const problem of problems) expect(problem.message).toMatch(/is required.*at least 32 characters/);
    expect(problemsOf({ NODE_ENV: nodeEnv, MEDIA_TOKEN_SECRET: secrets.MEDIA_TOKEN_SECRET, API_KEY_PEPPER: secrets.API_KEY_PEPPER, PAYLOAD_KEYS: secrets.PAYLOAD_KEYS }).map((p) => p.variable)).toEqual(['WEBHOOK_SECRET']);
  });

  it('refuses secrets shorter than 32 characters, and the old public development default', () => {
    expect(problemsOf({ ...secrets, WEBHOOK_SECRET: 'ringline-dev-secret-change-me' })).toEqual([
      { variable: 'WEBHOOK_SECRET', message: expect.stringContaining('at least 32 characters') },
    ]);
    expect(problemsOf({ ...secrets, MEDIA_TOKEN_SECRET: 'x'.repeat(31) }).map((p) => p.variable)).toEqual(['MEDIA_TOKEN_SECRET']);
    expect(problemsOf({ ...secrets })).toEqual([]);
  });

  it('reads the allow-lists as comma-separated URLs', () => {
    const config = parseConfig({ EXOTEL_RECORDING_URL_PREFIXES: 'https://a.test/rec/, https://b.test/', MEDIA_CONTROL_ALLOWED_URLS: '' });
    expect(config.EXOTEL_RECORDING_URL_PREFIXES).toEqual(['https://a.test/rec/', 'https://b.test/']);
    expect(config.MEDIA_CONTROL_ALLOWED_URLS).toEqual([]);
    expect(problemsOf({ ...secrets, MEDIA_CONTROL_ALLOWED_URLS: 'ftp://x.test' }).map((p) => p.variable)).toEqual(['MEDIA_CONTROL_ALLOWED_URLS']);
  });

  it('documents every variable in .env.example, and nothing else', () => {
    const example = readFileSync(path.join(__dirname, '../../.env.example'), 'utf8');
    const documented = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(new Set(documented)).toEqual(new Set(Object.keys(configShape)));
  });
});
