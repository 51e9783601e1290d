import type { Express } from 'express';
import request from 'supertest';
import { freePort } from '../../scripts/infra/free-port';
import { startRealMediaServer, type RealMediaServer } from '../helpers/real-media-server';
import { setTimeout as sleep } from 'node:timers/promises';
import { startApiHarness, type ApiHarness } from './api-harness';

/**
 * The pool routes against a real media server (its Deepgram and OpenAI simulators beside it), which
 * the API reaches by signed control requests. The simulators emulate connection set-up, so a
 * measurement shows the pool's effect; a second configured media server is down. Deepgram's set-up
 * is longer than the audio its first interim result needs (about 440 ms): audio buffered while a
 * stream opens goes in one burst, so a shorter set-up would not show in the first transcript at all.
 */
const EMULATED_SETUP_MS = { deepgram: 700, openai: 150 };

let h: ApiHarness;
let media: RealMediaServer;
let app: Express;
let downServer: string;

beforeAll(async () => {
  h = await startApiHarness('prewarming', {
    worker: false,
    config: { TTS_PROVIDER: 'deepgram-ws', PREWARM_POOL_STT_SIZE: '1', PREWARM_POOL_TTS_SIZE: '1', PREWARM_POOL_LLM_KEEPALIVE_MS: '1000' },
  });
  media = await startRealMediaServer(h.config, h.client, null, {
    deepgram: { handshakeLatencyMs: EMULATED_SETUP_MS.deepgram },
    openai: { connectionSetupMs: EMULATED_SETUP_MS.openai },
  });
  downServer = `http://127.0.0.1:${await freePort()}`;
  app = h.makeApp({ config: { MEDIA_CONTROL_URL: media.baseUrl, MEDIA_CONTROL_ALLOWED_URLS: downServer } });
}, 60_000);

afterAll(async () => {
  await media?.stop();
  await h?.close();
});

async function waitUntil(probe: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function simStats(baseUrl: string): Promise<Record<string, number>> {
  return (await (await fetch(`${baseUrl}/sim/stats`)).json()) as Record<string, number>;
}

describe('connection prewarming routes', () => {
  it('reports every configured media server: the live one with its stopped pool, the other unreachable', async () => {
    const res = await h.authed(app).get('/api/v1/analytics/prewarming').expect(200);
    expect(res.body.mediaServers).toEqual([
      expect.objectContaining({
        mediaServer: media.baseUrl,
        reachable: true,
        pool: expect.objectContaining({
          running: false,
          settings: { sttPoolSize: 1, ttsPoolSize: 1, refreshIntervalMs: 60_000, llmKeepAliveMs: 1_000 },
          stt: expect.objectContaining({ size: 0, ready: 0, sampleRate: 8000 }),
          tts: expect.objectContaining({ available: true, voice: 'aura-2-thalia-en', ready: 0 }),
          lastMeasurement: null,
        }),
      }),
      { mediaServer: downServer, reachable: false, error: 'ECONNREFUSED' },
    ]);
  });

  it('refuses bad settings with 400 and changes nothing', async () => {
    const res = await h.authed(app).post('/api/v1/analytics/prewarming/start').send({ sttPoolSize: 99 }).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    await h.authed(app).post('/api/v1/analytics/prewarming/start').send({ refreshIntervalMs: 5, unknown: true }).expect(400);
    expect(media.prewarmer.status()).toMatchObject({ running: false, settings: { sttPoolSize: 1, refreshIntervalMs: 60_000 } });
  });

  it('starts the pool with new sizes: streams and sockets open at the provider, the model connection is pinged', async () => {
    const before = await simStats(media.deepgram.baseUrl);
    const res = await h.authed(app).post('/api/v1/analytics/prewarming/start').send({ sttPoolSize: 2, ttsPoolSize: 1 }).expect(200);
    expect(res.body.mediaServers[0].pool).toMatchObject({ running: true, settings: { sttPoolSize: 2, ttsPoolSize: 1, refreshIntervalMs: 60_000 } });
    expect(res.body.mediaServers[1]).toMatchObject({ reachable: false });

    await waitUntil(() => media.prewarmer.status().stt.ready === 2 && media.prewarmer.status().tts.ready === 1, 'pool filled', 5_000);
    const deepgram = await simStats(media.deepgram.baseUrl);
    expect(deepgram.listenOpen).toBe(2);
    expect(deepgram.ttsOpen).toBe(1);
    expect(deepgram.listenConnections - before.listenConnections).toBe(2);
    await waitUntil(async () => (await simStats(media.openai.baseUrl)).modelListRequests >= 2, 'model connection kept alive', 5_000);

    const status = await h.authed(app).get('/api/v1/analytics/prewarming').expect(200);
    expect(status.body.mediaServers[0].pool).toMatchObject({
      running: true,
      stt: { size: 2, ready: 2, opened: 2, hits: 0, misses: 0 },
      tts: { size: 1, ready: 1, opened: 1 },
      llm: { keepAlive: true, idleConnections: 1 },
    });
    expect(status.body.mediaServers[0].pool.llm.pings).toBeGreaterThanOrEqual(2);
  });

  it('measures first-result latency with and without the pool: the pooled side skips the emulated set-up', async () => {
    const res = await h.authed(app).post('/api/v1/analytics/prewarming/measure').send({ samples: 2 }).expect(200);
    expect(res.body.mediaServer).toBe(media.baseUrl);
    const { measurement } = res.body;
    // A new connection waits out the emulated set-up; a pooled one does not. Speech-to-text gets back
    // what its first result needs of audio that arrived meanwhile (about 440 ms), the others all of it.
    const saved = { stt: EMULATED_SETUP_MS.deepgram - 440, tts: EMULATED_SETUP_MS.deepgram, llm: EMULATED_SETUP_MS.openai };
    for (const provider of ['stt', 'tts', 'llm'] as const) {
      const { withoutPool, withPool, definition } = measurement[provider];
      expect(definition).toEqual(expect.any(String));
      expect(withoutPool.samplesMs).toHaveLength(2);
      expect(withPool.samplesMs).toHaveLength(2);
      expect(withoutPool.failures + withPool.failures).toBe(0);
      expect([provider, withoutPool.p50 - withPool.p50]).toEqual([provider, expect.any(Number)]);
      expect(withoutPool.p50 - withPool.p50).toBeGreaterThan(saved[provider] * 0.6);
    }
    const status = await h.authed(app).get('/api/v1/analytics/prewarming').expect(200);
    expect(status.body.mediaServers[0].pool.lastMeasurement).toEqual(measurement);
    // The measurement used connections of its own: the live pool is untouched.
    expect(media.prewarmer.status().stt).toMatchObject({ ready: 2, hits: 0 });
  }, 60_000);

  it('stops the pool: its connections close at the provider', async () => {
    const res = await h.authed(app).post('/api/v1/analytics/prewarming/stop').expect(200);
    expect(res.body.mediaServers[0].pool).toMatchObject({ running: false, stt: { size: 0, ready: 0 }, tts: { size: 0, ready: 0 }, llm: { keepAlive: false } });
    expect(res.body.mediaServers[0].pool.stt.discarded.stopped).toBe(2);
    await waitUntil(async () => {
      const stats = await simStats(media.deepgram.baseUrl);
      return stats.listenOpen === 0 && stats.ttsOpen === 0;
    }, 'pooled sockets closed', 5_000);
  });

  it('answers 502 when no media server takes a start or a measurement', async () => {
    const unreachable = h.makeApp({ config: { MEDIA_CONTROL_URL: downServer } });
    const start = await h.authed(unreachable).post('/api/v1/analytics/prewarming/start').send({}).expect(502);
    expect(start.body.error.code).toBe('MEDIA_SERVERS_UNREACHABLE');
    const measure = await h.authed(unreachable).post('/api/v1/analytics/prewarming/measure').send({}).expect(502);
    expect(measure.body.error.code).toBe('MEDIA_SERVER_UNREACHABLE');
    const status = await h.authed(unreachable).get('/api/v1/analytics/prewarming').expect(200);
    expect(status.body.mediaServers).toEqual([{ mediaServer: downServer, reachable: false, error: 'ECONNREFUSED' }]);
  });

  it('is for admins only: other roles get 403 and no key 401, and the pool is not touched', async () => {
    const routes = [
      ['get', '/api/v1/analytics/prewarming'],
      ['post', '/api/v1/analytics/prewarming/start'],
      ['post', '/api/v1/analytics/prewarming/stop'],
      ['post', '/api/v1/analytics/prewarming/measure'],
    ] as const;
    for (const role of ['agent_manager', 'agent', 'api_client'] as const) {
      const key = await h.createKey({ role, name: role, agentIds: role === 'agent' ? ['agent_x'] : [] });
      for (const [method, path] of routes) {
        const res = await h.authed(app, key)[method](path).send({});
        expect([role, path, res.status, res.body.error?.code]).toEqual([role, path, 403, 'FORBIDDEN']);
      }
    }
    for (const [method, path] of routes) await request(app)[method](path).send({}).expect(401);
    expect(media.prewarmer.status().running).toBe(false);
  });

  it('the media server refuses an unsigned pool request', async () => {
    const res = await fetch(`${media.baseUrl}/control/prewarming`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'start', settings: {} }) });
    expect(res.status).toBe(401);
    expect(media.prewarmer.status().running).toBe(false);
  });
});
