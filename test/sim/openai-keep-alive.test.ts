import OpenAI from 'openai';
import { createKeepAliveFetch, type KeepAliveFetch } from '../../media-server/providers/keep-alive-fetch';
import type { OpenAiSimulator } from '../../sim/openai/simulator';
import { API_KEY, MODEL, conversation, startOpenAiSimulator } from './openai-helpers';

/**
 * The `openai` SDK over the media server's keep-alive fetch, against the simulator emulating 200 ms of
 * connection set-up: requests after the first reuse the open connection and skip it, streams and
 * aborts behave as over the SDK's own fetch, and the model list answers the keep-alive request.
 */
const SETUP_MS = 200;
const TTFT_MS = 50;

let simulator: OpenAiSimulator;
let connection: KeepAliveFetch;
let client: OpenAI;

beforeAll(async () => {
  simulator = await startOpenAiSimulator({ ttftMs: TTFT_MS, tokensPerSecond: 400, connectionSetupMs: SETUP_MS });
  connection = createKeepAliveFetch();
  client = new OpenAI({ apiKey: API_KEY, baseURL: `${simulator.baseUrl}/v1`, timeout: 8000, maxRetries: 0, fetch: connection.fetch });
});

afterAll(async () => {
  connection?.destroy();
  await simulator?.stop();
});

async function firstTokenMs(openai: OpenAI): Promise<{ ms: number; text: string }> {
  const startedAt = performance.now();
  const stream = await openai.chat.completions.create({ model: MODEL, messages: conversation('Is Friday fine?'), stream: true });
  let text = '';
  let ms = NaN;
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta?.content ?? '';
    if (delta && Number.isNaN(ms)) ms = performance.now() - startedAt;
    text += delta;
  }
  return { ms, text };
}

describe('the openai SDK over the keep-alive fetch', () => {
  it('pays the connection set-up once: the next request reuses the kept connection', async () => {
    const first = await firstTokenMs(client);
    expect(first.ms).toBeGreaterThanOrEqual(SETUP_MS + TTFT_MS - 5);
    expect(first.text.length).toBeGreaterThan(0);
    expect(connection.idleConnections()).toBe(1);
    const second = await firstTokenMs(client);
    expect(second.ms).toBeLessThan(SETUP_MS);
    expect(second.text).toBe(first.text);
  });

  it('answers the keep-alive request with the model list, over the same connection', async () => {
    const before = connection.lastActivityAt ?? 0;
    const startedAt = performance.now();
    const models = await client.models.list();
    expect(performance.now() - startedAt).toBeLessThan(SETUP_MS);
    expect(models.data.map((model) => model.id)).toContain(MODEL);
    expect(connection.lastActivityAt).toBeGreaterThanOrEqual(before);
    expect(connection.idleConnections()).toBe(1);
    const stats = (await (await fetch(`${simulator.baseUrl}/sim/stats`)).json()) as { modelListRequests: number };
    expect(stats.modelListRequests).toBe(1);
  });

  it('ends an aborted stream quietly, as over the SDK’s own fetch', async () => {
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ model: MODEL, messages: conversation('Tell me everything about my appointment.'), stream: true }, { signal: controller.signal });
    let chunks = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta?.content) chunks += 1;
      if (chunks === 2) controller.abort();
    }
    expect(chunks).toBe(2);
  });

  it('refuses a wrong key on the model list with 401, as every endpoint', async () => {
    const wrong = new OpenAI({ apiKey: 'wrong-key', baseURL: `${simulator.baseUrl}/v1`, maxRetries: 0, fetch: connection.fetch });
    await expect(wrong.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
