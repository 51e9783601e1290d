import { Registry } from 'prom-client';
import { GreetingCache } from '../../media-server/greeting-cache';
import { createMediaMetrics } from '../../media-server/metrics';
import { createLogger } from '../../lib/logger';
import { FakeTts } from './fake-providers';
import { METRICS_TOKEN, startMediaHarness, type MediaHarness } from './media-harness';
import { agentProfile } from '../helpers/agent-profile';

const agent = agentProfile({
  id: 'agent_prewarm_unit',
  prompt: 'You remind customers of appointments.',
  greeting: 'Hello {customerName}.',
  noResponsePrompt: 'Are you there?',
  goodbyeMessage: 'Goodbye now.',
  callbackNumber: '+919876543210',
  companyName: 'Acme Finance',
});

async function counterValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  const value = metric?.values.find((v) => Object.entries(labels).every(([key, label]) => v.labels[key] === label));
  return value?.value ?? 0;
}

describe('GreetingCache lookups', () => {
  const rate = 8000;
  let registry: Registry;
  let cache: GreetingCache;

  beforeEach(() => {
    registry = new Registry();
    cache = new GreetingCache({ maxEntries: 10, tts: new FakeTts(1, 0), metrics: createMediaMetrics(registry), logger: createLogger('test', { level: 'silent' }) });
  });

  it('reports a hit on a prewarmed entry as prewarmed', async () => {
    // Greeting, no-response prompt, goodbye, and the default voicemail message (the agent has none of its own).
    expect(await cache.prewarm(agent, { customerName: 'Ravi' }, rate)).toBe(4);
    const found = cache.lookup('greeting', agent, rate, 'Hello Ravi.');
    expect(found).toMatchObject({ hit: true, prewarmed: true });
    expect(found.hit && found.segments.map((s) => s.text)).toEqual(['Hello Ravi.']);
    expect(cache.lookups).toEqual({ greeting: { hits: 1, misses: 0, prewarmedHits: 1 } });
    expect(await counterValue(registry, 'ringline_media_greeting_cache_prewarmed_hits_total', { phrase: 'greeting' })).toBe(1);
    expect(await counterValue(registry, 'ringline_media_greeting_cache_lookups_total', { phrase: 'greeting', result: 'hit' })).toBe(1);
  });

  it('reports a hit on an entry a call stored as not prewarmed, and a prewarm keeps that entry as it is', async () => {
    cache.store(agent, rate, 'Goodbye now.', [{ text: 'Goodbye now.', pcm: Buffer.alloc(320) }]);
    expect(await cache.prewarm(agent, { customerName: 'Ravi' }, rate)).toBe(3);
    expect(cache.lookup('goodbye', agent, rate, 'Goodbye now.')).toMatchObject({ hit: true, prewarmed: false });
    expect(cache.lookups).toEqual({ goodbye: { hits: 1, misses: 0, prewarmedHits: 0 } });
    expect(await counterValue(registry, 'ringline_media_greeting_cache_prewarmed_hits_total', { phrase: 'goodbye' })).toBe(0);
  });

  it('prewarms the default voicemail message with the agent\'s company and callback number filled in', async () => {
    await cache.prewarm(agent, { customerName: 'Ravi' }, rate);
    const text = 'Hi Ravi, this is Asha from Acme Finance. Sorry we missed you. Please call us back at 0 9 8 7 6 5, 4 3 2 1 0. Thank you.';
    expect(cache.lookup('voicemail', agent, rate, text)).toMatchObject({ hit: true, prewarmed: true });
  });

  it('counts a miss, and a prewarm for other call metadata does not answer it', async () => {
    await cache.prewarm(agent, { customerName: 'Ravi' }, rate);
    expect(cache.lookup('greeting', agent, rate, 'Hello Meera.')).toEqual({ hit: false });
    expect(cache.lookup('greeting', agent, 16000, 'Hello Ravi.')).toEqual({ hit: false });
    expect(cache.lookups).toEqual({ greeting: { hits: 0, misses: 2, prewarmedHits: 0 } });
    expect(await counterValue(registry, 'ringline_media_greeting_cache_lookups_total', { phrase: 'greeting', result: 'miss' })).toBe(2);
  });
});

describe('a prewarmed greeting on a call', () => {
  let h: MediaHarness;

  beforeAll(async () => {
    h = await startMediaHarness('prewarm_hits');
  });

  afterAll(async () => {
    await h?.stop();
  });

  async function mediaStats(): Promise<{ greetingCache: { entries: number; lookups: Record<string, { hits: number; misses: number; prewarmedHits: number }> } }> {
    return (await fetch(`${h.baseUrl}/stats`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).json() as never;
  }

  async function playGreeting(call: Awaited<ReturnType<MediaHarness['createCall']>>) {
    const client = await h.connect(call.url);
    client.start();
    await h.waitUntil(() => client.marksEchoed.length > 0, 'greeting played');
    client.hangUp();
    await h.ended(call.callId);
    return h.callLog(call);
  }

  it('is a prewarmed cache hit, recorded on the attempt and in the media server stats', async () => {
    const metadata = { customerName: 'Ravi' };
    const call = await h.createCall({ greeting: 'Hello {customerName}, your prewarmed greeting.' }, { metadata });
    const before = (await mediaStats()).greetingCache.lookups.greeting ?? { hits: 0, misses: 0, prewarmedHits: 0 };
    expect(await h.control('/greetings/prewarm', { agentId: call.agentId, metadata })).toMatchObject({ status: 200 });

    const log = await playGreeting(call);
    expect(log?.greeting).toEqual({ cacheHit: true, prewarmed: true, firstFrameMs: expect.any(Number) });
    expect(log?.greeting?.firstFrameMs).toBeLessThanOrEqual(50);
    const stats = await mediaStats();
    expect(stats.greetingCache.lookups.greeting).toEqual({ hits: before.hits + 1, misses: before.misses, prewarmedHits: before.prewarmedHits + 1 });
    expect(stats.greetingCache.entries).toBeGreaterThan(0);
    expect(await counterValue(h.registry, 'ringline_media_greeting_cache_prewarmed_hits_total', { phrase: 'greeting' })).toBe(before.prewarmedHits + 1);
  });

  it('records a synthesized greeting as a miss, and the next call as a hit that was not prewarmed', async () => {
    const first = await h.createCall({ greeting: 'A greeting nobody warmed.' });
    expect((await playGreeting(first))?.greeting).toEqual({ cacheHit: false, prewarmed: false, firstFrameMs: expect.any(Number) });

    const second = await h.createCall({ greeting: 'A greeting nobody warmed.' }, { agentId: first.agentId });
    expect((await playGreeting(second))?.greeting).toMatchObject({ cacheHit: true, prewarmed: false });
  });
});
