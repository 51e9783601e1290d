import { parseConfig } from '../../domain/config';
import { generateSecrets } from '../../lib/generated-secrets';
import { localDatabaseName, portsToClaim, processEnvironment, stackLayout } from '../../scripts/stack/stack-layout';
import { ROOT_DIR } from '../../scripts/infra/paths';
import { temporalDevServerArgs } from '../../scripts/infra/temporal-dev-server';
import path from 'node:path';

const layoutOf = (env: NodeJS.ProcessEnv) => stackLayout(env, parseConfig({ ...generateSecrets(), ...env }));

describe('the local stack layout', () => {
  it('runs everything on the documented defaults', () => {
    const layout = layoutOf({});
    expect(portsToClaim(layout).map((p) => p.port)).toEqual([7233, 8233, 27017, 18088, 4010, 4020, 4030, 4040, 3000, 3001, 8234, 9464, 9465, 9466, 9467]);
    const env = processEnvironment({}, layout, { WEBHOOK_SECRET: 'w'.repeat(43) });
    expect(env).toMatchObject({
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      MONGODB_URI: expect.stringMatching(/^mongodb:\/\/127\.0\.0\.1:27017\/ringline\?maxPoolSize=\d+$/),
      PUBLIC_API_URL: 'http://127.0.0.1:3000',
      PUBLIC_MEDIA_WS_URL: 'ws://127.0.0.1:3001',
      EXOTEL_BASE_URL: 'http://127.0.0.1:4010',
      EXOTEL_RECORDING_URL_PREFIXES: 'http://127.0.0.1:4010/recordings/',
      OPENAI_BASE_URL: 'http://127.0.0.1:4030/v1',
      // The premium voice is on locally: the ElevenLabs simulator and the media server share a key.
      ELEVENLABS_BASE_URL: 'http://127.0.0.1:4040',
      ELEVENLABS_API_KEY: 'sim-elevenlabs-key',
      WEBHOOK_SECRET: 'w'.repeat(43),
      CODEC_SERVER_PORT: '8234',
      CODEC_SERVER_CORS_ORIGINS: 'http://127.0.0.1:8233,http://localhost:8233',
    });
    expect(layout.dataDir).toBe(path.join(ROOT_DIR, '.data'));
  });

  it('moves every address that follows from a port when only the port is set', () => {
    const layout = layoutOf({ API_PORT: '3100', MEDIA_PORT: '3101', EXOTEL_SIM_PORT: '4110', TEMPORAL_PORT: '7300', TEMPORAL_UI_PORT: '8300', FERRETDB_PORT: '27100', CODEC_SERVER_PORT: '8400' });
    const env = processEnvironment({}, layout, {});
    expect(env).toMatchObject({
      TEMPORAL_ADDRESS: '127.0.0.1:7300',
      TEMPORAL_UI_URL: 'http://127.0.0.1:8300',
      MONGODB_URI: expect.stringContaining('127.0.0.1:27100/'),
      PUBLIC_API_URL: 'http://127.0.0.1:3100',
      PUBLIC_MEDIA_WS_URL: 'ws://127.0.0.1:3101',
      MEDIA_CONTROL_URL: 'http://127.0.0.1:3101',
      EXOTEL_BASE_URL: 'http://127.0.0.1:4110',
      EXOTEL_SIM_PORT: '4110',
      CODEC_SERVER_PORT: '8400',
      // The codec server answers the browser only from the Web UI this stack runs.
      CODEC_SERVER_CORS_ORIGINS: 'http://127.0.0.1:8300,http://localhost:8300',
    });
  });

  it('uses servers the user names, and then claims none of their ports', () => {
    const userEnv = { TEMPORAL_ADDRESS: 'temporal.internal:7233', MONGODB_URI: 'mongodb://db.internal/ringline', EXOTEL_BASE_URL: 'https://api.in.exotel.com', WEBHOOK_SECRET: 'mine------------------------------------' };
    const layout = layoutOf(userEnv);
    expect(layout.temporal.external).toBe(true);
    expect(layout.database.external).toBe(true);
    expect(layout.simulators.find((s) => s.name === 'exotel')?.used).toBe(false);
    expect(portsToClaim(layout).map((p) => p.port)).toEqual([4020, 4030, 4040, 3000, 3001, 8234, 9464, 9465, 9466, 9467]);
    const env = processEnvironment(userEnv, layout, { WEBHOOK_SECRET: 'generated-generated-generated' });
    expect(env).toMatchObject({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      MONGODB_URI: 'mongodb://db.internal/ringline',
      EXOTEL_BASE_URL: 'https://api.in.exotel.com',
      WEBHOOK_SECRET: 'mine------------------------------------',
    });
  });

  it('leaves ElevenLabs to a real account when its base URL is given, with the user\'s key', () => {
    const userEnv = { ELEVENLABS_BASE_URL: 'https://api.elevenlabs.io', ELEVENLABS_API_KEY: 'real-key' };
    const layout = layoutOf(userEnv);
    expect(layout.simulators.find((s) => s.name === 'elevenlabs')?.used).toBe(false);
    expect(portsToClaim(layout).map((p) => p.port)).not.toContain(4040);
    expect(processEnvironment(userEnv, layout, {})).toMatchObject(userEnv);
  });

  it("points the dev server's Web UI at the stack's codec server, and a headless one at none", () => {
    const layout = layoutOf({ CODEC_SERVER_PORT: '8400' });
    const args = temporalDevServerArgs({ port: 7233, uiPort: 8233, uiCodecEndpoint: layout.codecServer.url, namespace: 'default' });
    expect(args.join(' ')).toContain('--ui-codec-endpoint http://127.0.0.1:8400');
    expect(temporalDevServerArgs({ port: 7233, uiCodecEndpoint: layout.codecServer.url, namespace: 'default' })).not.toContain('--ui-codec-endpoint');
  });

  it("claims each worker's metrics ports, moved by their variables, and none with METRICS_ENABLED=false", () => {
    const layout = layoutOf({ WORKER_METRICS_PORT: '9500', WORKER_SDK_METRICS_PORT: '9501', EXOTEL_WORKER_METRICS_PORT: '9502', EXOTEL_WORKER_SDK_METRICS_PORT: '9503' });
    expect(portsToClaim(layout).slice(-4)).toEqual([
      { port: 9500, purpose: 'worker metrics, WORKER_METRICS_PORT' },
      { port: 9501, purpose: 'worker Temporal SDK metrics, WORKER_SDK_METRICS_PORT' },
      { port: 9502, purpose: 'worker-exotel metrics, EXOTEL_WORKER_METRICS_PORT' },
      { port: 9503, purpose: 'worker-exotel Temporal SDK metrics, EXOTEL_WORKER_SDK_METRICS_PORT' },
    ]);
    expect(layout.workerMetrics.map((w) => [w.url, w.sdkUrl])).toEqual([
      ['http://127.0.0.1:9500/metrics', 'http://127.0.0.1:9501/metrics'],
      ['http://127.0.0.1:9502/metrics', 'http://127.0.0.1:9503/metrics'],
    ]);
    expect(portsToClaim(layoutOf({ METRICS_ENABLED: 'false' })).map((p) => p.port)).not.toContain(9464);
  });

  it('refuses a port variable that is not a port, by name', () => {
    expect(() => layoutOf({ TEMPORAL_PORT: 'seven' })).toThrow('TEMPORAL_PORT must be a port number (1–65535), not "seven"');
  });

  it('gives each data directory its own database, the checkout keeping its old name', () => {
    expect(localDatabaseName(path.join(ROOT_DIR, '.data'))).toBe('ringline_local');
    expect(localDatabaseName('/tmp/a')).toMatch(/^ringline_local_[0-9a-f]{12}$/);
    expect(localDatabaseName('/tmp/a')).not.toBe(localDatabaseName('/tmp/b'));
  });
});
