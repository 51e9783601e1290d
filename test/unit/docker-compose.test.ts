import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { STACK_PROCESSES } from '../../scripts/stack-processes';

const ROOT = path.join(__dirname, '../..');
const FILE = path.join(ROOT, 'docker-compose.temporal.yml');

interface Service {
  image?: string;
  ports?: string[];
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
}

/** There is no Docker engine here; this keeps the compose file honest without one. */
describe('docker-compose.temporal.yml', () => {
  const compose = parse(readFileSync(FILE, 'utf8'), { merge: true }) as { services: Record<string, Service> };

  it('brings up Temporal on PostgreSQL, its UI, MongoDB and Ringline', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'mongodb', 'api', 'worker', 'worker-exotel', 'media-server', 'codec-server']),
    );
    expect(compose.services.temporal.environment?.DB).toBe('postgres12');
  });

  it('runs every process of the local stack, each from an entry point that exists in the sources', () => {
    const ringlineServices = Object.keys(compose.services).filter((name) => compose.services[name].build === '.');
    const entries = ringlineServices.map((name) => compose.services[name].command?.[1]?.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
    expect(entries.sort()).toEqual(STACK_PROCESSES.map((p) => p.entry).sort());
    for (const name of ringlineServices) {
      const service = compose.services[name];
      expect(service.build).toBe('.');
      const entry = service.command?.[1] ?? '';
      expect(entry).toMatch(/^dist\/.+\.js$/);
      const source = entry.replace(/^dist\//, '').replace(/\.js$/, '.ts');
      expect(existsSync(path.join(ROOT, source))).toBe(true);
      expect(STACK_PROCESSES.map((p) => p.entry)).toContain(source);
    }
  });

  it('keeps Temporal\'s frontend and UI on loopback; only the API and the media server face the network', () => {
    expect(compose.services.temporal.ports).toEqual(['127.0.0.1:7233:7233']);
    expect(compose.services['temporal-ui'].ports).toEqual(['127.0.0.1:8233:8080']);
    expect(compose.services['codec-server'].ports).toEqual(['127.0.0.1:8234:8234']);
    expect(compose.services['temporal-ui'].environment?.TEMPORAL_CODEC_ENDPOINT).toMatch(/^http:\/\/localhost:8234\//);
    const published = Object.entries(compose.services)
      .filter(([, service]) => (service.ports ?? []).some((port) => !port.startsWith('127.0.0.1:')))
      .map(([name]) => name);
    expect(published.sort()).toEqual(['api', 'media-server']);
  });

  it('registers every search attribute Ringline uses', () => {
    const setup = JSON.stringify(compose.services['temporal-setup']);
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) expect(setup).toContain(`${name}=${type}`);
  });

  const cli = ['docker-compose', 'docker'].find((bin) => {
    try {
      execFileSync(bin, bin === 'docker' ? ['compose', 'version'] : ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });

  (cli ? it : it.skip)(`passes \`${cli ?? 'docker compose'} config\``, () => {
    const env = {
      ...process.env,
      PUBLIC_API_URL: 'https://api.example.test',
      PUBLIC_MEDIA_WS_URL: 'wss://media.example.test',
      EXOTEL_ACCOUNT_SID: 'acct',
      EXOTEL_API_KEY: 'key',
      EXOTEL_API_TOKEN: 'token',
      EXOTEL_CALLER_ID: '+918047112233',
      DEEPGRAM_API_KEY: 'dg',
      OPENAI_API_KEY: 'oa',
      WEBHOOK_SECRET: 'a-long-enough-webhook-secret-0123456789',
      MEDIA_TOKEN_SECRET: 'a-long-enough-media-secret-0123456789',
      PAYLOAD_KEYS: 'k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    };
    const args = cli === 'docker' ? ['compose', '-f', FILE, 'config', '-q'] : ['-f', FILE, 'config', '-q'];
    expect(() => execFileSync(cli!, args, { env, stdio: 'pipe' })).not.toThrow();
  });
});
