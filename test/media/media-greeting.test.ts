import { CHUNK_BYTES } from '../../media-server/pipeline/pcm-frames';
import { startMediaHarness, type MediaHarness } from './media-harness';
import type { FakeTts } from './fake-providers';

let h: MediaHarness;

beforeAll(async () => {
  h = await startMediaHarness('greeting');
});

afterAll(async () => {
  await h?.stop();
});

async function cacheLookups(result: 'hit' | 'miss'): Promise<number> {
  const metric = await h.registry.getSingleMetric('ringline_media_greeting_cache_lookups_total')?.get();
  return metric?.values.find((v) => v.labels.phrase === 'greeting' && v.labels.result === result)?.value ?? 0;
}

describe('the greeting', () => {
  it('is synthesized on a cache miss, then played from the cache with no synthesis, within 50 ms of start', async () => {
    const tts = h.tts as FakeTts;
    const greeting = 'Namaste, this is the cache test greeting.';
    const first = await h.createCall({ greeting });
    const misses = await cacheLookups('miss');
    const client1 = await h.connect(first.url);
    client1.start();
    await h.waitUntil(() => client1.marksEchoed.length > 0, 'first greeting played');
    expect(tts.requests).toContain(greeting);
    expect(await cacheLookups('miss')).toBe(misses + 1);
    client1.hangUp();
    await h.ended(first.callId);

    const requestsBefore = tts.requests.length;
    const hits = await cacheLookups('hit');
    const second = await h.createCall({ greeting }, { agentId: first.agentId });
    const client2 = await h.connect(second.url);
    client2.start();
    await h.waitUntil(() => client2.media.length > 0, 'second greeting audio');
    const firstAudioMs = client2.media[0].at - client2.startSentAt;
    expect(firstAudioMs).toBeLessThanOrEqual(50);
    await h.waitUntil(() => client2.marksEchoed.length > 0, 'second greeting played');
    expect(tts.requests.slice(requestsBefore)).toEqual([]);
    expect(await cacheLookups('hit')).toBe(hits + 1);
    client2.hangUp();
    await h.ended(second.callId);
    const log = await h.callLog(second);
    expect(log?.transcript[0]).toMatchObject({ turn: 1, speaker: 'bot', text: greeting, interrupted: false });
  });

  it('is in the cache once synthesized: a call starting while the first still plays it does not synthesize it again', async () => {
    const tts = h.tts as FakeTts;
    const greeting = 'Hello, this greeting is long enough to still be playing when the next call of the burst starts.';
    const first = await h.createCall({ greeting });
    const client1 = await h.connect(first.url);
    client1.start();
    await h.waitUntil(() => client1.media.length > 0, 'first greeting audio');
    // The fake synthesizes 2 s of speech in well under 300 ms; playing it takes the 2 s.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const requestsBefore = tts.requests.length;
    const second = await h.createCall({ greeting }, { agentId: first.agentId });
    const client2 = await h.connect(second.url);
    client2.start();
    await h.waitUntil(() => client2.media.length > 0, 'second greeting audio');
    expect(client1.marksEchoed).toEqual([]);
    expect(tts.requests.slice(requestsBefore)).toEqual([]);
    for (const [client, call] of [[client1, first], [client2, second]] as const) {
      client.hangUp();
      await h.ended(call.callId);
    }
  });

  it('is rendered from the agent and the call metadata, values as plain text', async () => {
    const call = await h.createCall({ greeting: 'Hi {customerName}, this is {agentName}. {unknown}' }, { metadata: { customerName: 'Ravi {agentName}' } });
    const client = await h.connect(call.url);
    client.start();
    await h.waitUntil(() => client.marksEchoed.length > 0, 'greeting played');
    client.hangUp();
    await h.ended(call.callId);
    expect((await h.callLog(call))?.transcript[0].text).toBe('Hi Ravi {agentName}, this is Asha.');
  });

  it('can be prewarmed through the signed prewarm endpoint', async () => {
    const tts = h.tts as FakeTts;
    const greeting = 'A greeting warmed before the call.';
    const call = await h.createCall({ greeting });
    expect((await h.control('/greetings/prewarm', { agentId: call.agentId }, 'forged')).status).toBe(401);
    expect((await h.control('/greetings/prewarm', { agentId: 'agent-nobody' })).status).toBe(404);
    const warmed = await h.control('/greetings/prewarm', { agentId: call.agentId });
    expect(warmed).toMatchObject({ status: 200, body: { synthesized: 4 } });
    expect(tts.requests).toContain(greeting);
    const requestsBefore = tts.requests.length;
    const client = await h.connect(call.url);
    client.start();
    await h.waitUntil(() => client.media.length > 0, 'greeting audio');
    expect(client.media[0].at - client.startSentAt).toBeLessThanOrEqual(50);
    await h.waitUntil(() => client.marksEchoed.length > 0, 'greeting played');
    expect(tts.requests.length).toBe(requestsBefore);
    client.hangUp();
    await h.ended(call.callId);
  });
});

describe('outbound audio', () => {
  it('goes out in whole 3200-byte chunks, numbered, paced at real time, followed by a mark per sentence', async () => {
    // 20 ms of speech per character: about 2.4 s of greeting in two sentences.
    const greeting = 'This greeting is long enough to need many chunks of audio. It has two sentences, too.';
    const call = await h.createCall({ greeting });
    const client = await h.connect(call.url);
    client.start();
    await h.waitUntil(() => client.marksEchoed.length === 2, 'both sentences played', 10_000);
    client.hangUp();
    await h.ended(call.callId);

    const { media } = client;
    expect(media.length).toBeGreaterThan(8);
    for (const chunk of media) {
      expect(chunk.bytes).toBe(CHUNK_BYTES);
      expect(chunk.bytes % 320).toBe(0);
    }
    expect(media.map((m) => m.chunk)).toEqual(media.map((_, i) => i + 1));
    expect(media.map((m) => m.timestamp)).toEqual(media.map((_, i) => String(i * 200)));
    // Real time: chunk n leaves roughly when chunk n-2 has played, never all at once.
    const span = media[media.length - 1].at - media[0].at;
    expect(span).toBeGreaterThanOrEqual((media.length - 3) * 200 - 50);
    expect(span).toBeLessThanOrEqual((media.length - 1) * 200 + 100);
    for (let i = 3; i < media.length; i += 1) expect(media[i].at - media[0].at).toBeGreaterThanOrEqual((i - 3) * 200 - 50);
    expect(client.marksReceived).toHaveLength(2);
    expect(client.clears).toHaveLength(0);
    expect(client.otherMessages).toEqual([]);
    expect(client.underruns).toBe(0);
  });
});
