import OpenAI from 'openai';
import { referenceMessage } from '../../domain/conversation/knowledge-context';
import { VectorIndex } from '../../domain/knowledge/vector-index';
import type { OpenAiSimulator } from '../../sim/openai/simulator';
import { MODEL, sdkClient, simStats, startOpenAiSimulator } from './openai-helpers';

const PASSAGES = [
  'The Koramangala branch opens at 9:30 in the morning on Saturdays and is closed on Sundays.',
  'A late payment fee of 250 rupees is charged when an instalment is more than five days overdue.',
  'Customers can change their registered mobile number by visiting any branch with an identity proof.',
  'The loan tenure can be extended once, by up to six months, on request.',
];

describe('OpenAI simulator: embeddings through the openai SDK', () => {
  let simulator: OpenAiSimulator;
  let openai: OpenAI;

  beforeEach(async () => {
    simulator = await startOpenAiSimulator({ ttftMs: 20, tokensPerSecond: 2000 });
    openai = sdkClient(simulator);
  });

  afterEach(async () => {
    await simulator.stop();
  });

  it('answers the SDK’s default base64 request with float vectors of the asked size, the same for the same text', async () => {
    const first = await openai.embeddings.create({ model: 'text-embedding-3-small', input: PASSAGES, dimensions: 256 });
    const again = await openai.embeddings.create({ model: 'text-embedding-3-small', input: PASSAGES[0], dimensions: 256 });
    const floats = await openai.embeddings.create({ model: 'text-embedding-3-small', input: PASSAGES[0], dimensions: 256, encoding_format: 'float' });

    expect(first).toMatchObject({ object: 'list', model: 'text-embedding-3-small', usage: { prompt_tokens: expect.any(Number), total_tokens: expect.any(Number) } });
    expect(first.data.map((item) => [item.object, item.index, item.embedding.length])).toEqual(PASSAGES.map((_, i) => ['embedding', i, 256]));
    expect(Array.from(again.data[0].embedding)).toEqual(Array.from(first.data[0].embedding));
    expect(floats.data[0].embedding).toHaveLength(256);
    floats.data[0].embedding.forEach((value, i) => expect(value).toBeCloseTo(first.data[0].embedding[i], 6));
    const norm = Math.sqrt(first.data[1].embedding.reduce((sum, value) => sum + value * value, 0));
    expect(norm).toBeCloseTo(1, 5);
    expect((await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'x' })).data[0].embedding).toHaveLength(1536);
    expect(await simStats(simulator)).toMatchObject({ embeddings: { requests: 4, errors: 0, inputs: 7 } });
  });

  it.each([
    ['When does the Koramangala branch open on Saturday?', 0],
    ['How much is the fee if I pay late?', 1],
    ['I want to change my mobile number', 2],
    ['Can I extend my loan tenure?', 3],
  ])('carries enough meaning to find the passage that answers %j', async (question, expected) => {
    const passages = await openai.embeddings.create({ model: 'text-embedding-3-small', input: PASSAGES, dimensions: 512 });
    const query = await openai.embeddings.create({ model: 'text-embedding-3-small', input: question, dimensions: 512 });
    const index = VectorIndex.of(512, passages.data.map((item) => item.embedding));
    const [best, second] = index.topK(query.data[0].embedding, 2);
    expect(best.row).toBe(expected);
    expect(best.score).toBeGreaterThan(0.25);
    expect(second.score).toBeLessThan(best.score);
  });

  it.each<[string, Record<string, unknown>, number, string | null]>([
    ['an unknown model', { model: 'text-embedding-4', input: 'x' }, 404, 'model_not_found'],
    ['dimensions on a model that cannot shorten', { model: 'text-embedding-ada-002', input: 'x', dimensions: 256 }, 400, null],
    ['more dimensions than the model has', { model: 'text-embedding-3-small', input: 'x', dimensions: 2000 }, 400, null],
    ['an empty input', { model: 'text-embedding-3-small', input: '' }, 400, null],
    ['no input at all', { model: 'text-embedding-3-small', input: [] }, 400, null],
  ])('refuses %s the way OpenAI does', async (_name, body, status, code) => {
    const failure = await openai.embeddings.create(body as never).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
    expect((failure as InstanceType<typeof OpenAI.APIError>).code ?? null).toBe(code);
  });

  it('refuses a wrong key with 401', async () => {
    await expect(sdkClient(simulator, 'wrong-key').embeddings.create({ model: 'text-embedding-3-small', input: 'x' })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('takes its configured time to answer', async () => {
    const slow = await startOpenAiSimulator({ embeddingsLatencyMs: 150 });
    try {
      const started = Date.now();
      await sdkClient(slow).embeddings.create({ model: 'text-embedding-3-small', input: 'x' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    } finally {
      await slow.stop();
    }
  });
});

describe('OpenAI simulator: answering from reference passages', () => {
  let simulator: OpenAiSimulator;
  let openai: OpenAI;

  beforeEach(async () => {
    simulator = await startOpenAiSimulator({ ttftMs: 20, tokensPerSecond: 2000 });
    openai = sdkClient(simulator);
  });

  afterEach(async () => {
    await simulator.stop();
  });

  const reference = referenceMessage([
    { chunkId: 'kc_a', source: 'Branches', text: `${PASSAGES[2]} ${PASSAGES[0]}` },
    { chunkId: 'kc_b', source: 'Fees', text: PASSAGES[1] },
  ]);

  it('answers with the passage sentence that shares the most words with the question', async () => {
    const answer = await openai.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'system', content: 'You are Asha.' }, reference, { role: 'user', content: 'What time does the Koramangala branch open on Saturdays?' }],
    });
    expect(answer.choices[0].message.content).toBe(PASSAGES[0]);
    expect(await simStats(simulator)).toMatchObject({ replies: { reference: 1 } });
  });

  it('falls back to the other rules when no passage shares a word, or when there are no passages', async () => {
    const unrelated = await openai.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'system', content: 'You are Asha.' }, reference, { role: 'user', content: 'Is it raining there?' }],
    });
    const without = await openai.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'system', content: 'You are Asha.' }, { role: 'user', content: 'What time does the Koramangala branch open on Saturdays?' }],
    });
    expect(unrelated.choices[0].message.content).not.toContain('Koramangala');
    expect(without.choices[0].message.content).not.toContain('9:30');
    expect(await simStats(simulator)).toMatchObject({ replies: { question: 2 } });
  });
});
