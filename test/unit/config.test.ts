import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configShape, ConfigError, parseConfig } from '../../domain/config';

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

  it('refuses the development secrets in production', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(/WEBHOOK_SECRET[\s\S]*MEDIA_TOKEN_SECRET/);
    expect(() =>
      parseConfig({
        NODE_ENV: 'production',
        WEBHOOK_SECRET: 'a-real-webhook-secret-value',
        MEDIA_TOKEN_SECRET: 'a-real-media-token-secret',
        API_KEY_PEPPER: 'a-real-api-key-pepper-value',
      }),
    ).not.toThrow();
  });

  it('documents every variable in .env.example, and nothing else', () => {
    const example = readFileSync(path.join(__dirname, '../../.env.example'), 'utf8');
    const documented = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(new Set(documented)).toEqual(new Set(Object.keys(configShape)));
  });
});
