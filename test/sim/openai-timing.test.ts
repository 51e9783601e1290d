import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { OpenAiSimulator } from '../../sim/openai/simulator';
import { MODEL, collect, conversation, sdkClient, simStats, sleep, startOpenAiSimulator, streamedText, withLoopStall } from './openai-helpers';

describe('OpenAI simulator: the model clock, through the openai SDK', () => {
  let simulator: OpenAiSimulator;

  afterEach(async () => {
    await simulator.stop();
  });

  it('sends the first token after ttftMs (gpt-4o-mini: 290 ms) and the rest at tokensPerSecond', async () => {
    simulator = await startOpenAiSimulator();
    const openai = sdkClient(simulator);
    // Warm the client's HTTP stack first, as a running media server's is.
    await openai.chat.completions.create({ model: MODEL, messages: conversation('Hi.'), max_completion_tokens: 1 });

    const arrivals: { at: number; chunk: ChatCompletionChunk }[] = [];
    const startedAt = Date.now();
    const { stallMs } = await withLoopStall(async () => {
      const stream = await openai.chat.completions.create({ model: MODEL, messages: conversation('I would like to talk about my bill from last month.'), stream: true });
      await collect(stream, (chunk) => arrivals.push({ at: Date.now(), chunk }));
    });

    const contentArrivals = arrivals.filter(({ chunk }) => (chunk.choices[0]?.delta.content ?? '') !== '');
    const ttft = contentArrivals[0].at - startedAt;
    expect(ttft).toBeGreaterThanOrEqual(280);
    expect(ttft).toBeLessThan(600 + stallMs);
    // 80 tokens per second: 12.5 ms apart on average.
    const tokens = contentArrivals.length;
    const generationMs = contentArrivals[tokens - 1].at - contentArrivals[0].at;
    expect(generationMs).toBeGreaterThanOrEqual(((tokens - 1) * 1000) / 80 - 15 - stallMs);
    // The upper slack allows for other processes on a loaded 2-core CI machine, which the stall does not see.
    expect(generationMs).toBeLessThan(((tokens - 1) * 1000) / 80 + 300 + stallMs);
  });

  it('stops generating at once when the client aborts, and counts the abort', async () => {
    // Slow tokens, so the reply is still being generated when the client gives up.
    simulator = await startOpenAiSimulator({ ttftMs: 50, tokensPerSecond: 20 });
    const openai = sdkClient(simulator);
    const controller = new AbortController();
    const stream = await openai.chat.completions.create(
      { model: MODEL, messages: conversation('Please tell me everything about the new appointment times and the doctors.'), stream: true },
      { signal: controller.signal },
    );
    const received: ChatCompletionChunk[] = [];
    const iteration = collect(stream, (chunk) => {
      received.push(chunk);
      if (received.length === 3) controller.abort();
    });
    // The SDK ends an aborted stream's iteration quietly, without the rest of the reply.
    await iteration;
    expect(received).toHaveLength(3);
    expect(streamedText(received).length).toBeGreaterThan(0);
    expect(received.some((chunk) => chunk.choices[0]?.finish_reason)).toBe(false);

    await sleep(100);
    const atAbort = await simStats(simulator);
    expect(atAbort).toMatchObject({ requests: 1, aborted: 1, completed: 0 });
    await sleep(400);
    // Nothing more was generated after the abort.
    expect((await simStats(simulator)).completionTokens).toBe(atAbort.completionTokens);
    expect(atAbort.completionTokens).toBeLessThanOrEqual(4);
  });

  it('answers a non-streamed request when the whole reply is generated', async () => {
    simulator = await startOpenAiSimulator({ ttftMs: 100, tokensPerSecond: 50 });
    const openai = sdkClient(simulator);
    await openai.chat.completions.create({ model: MODEL, messages: conversation('Hi.'), max_completion_tokens: 1 });
    const startedAt = Date.now();
    const { result: whole, stallMs } = await withLoopStall(() => openai.chat.completions.create({ model: MODEL, messages: conversation('I would like to talk about my bill from last month.') }));
    const elapsed = Date.now() - startedAt;
    const tokens = whole.usage?.completion_tokens ?? 0;
    expect(tokens).toBeGreaterThan(5);
    expect(elapsed).toBeGreaterThanOrEqual(100 + ((tokens - 1) * 1000) / 50 - 15);
    expect(elapsed).toBeLessThan(100 + ((tokens - 1) * 1000) / 50 + 300 + stallMs);
  });
});
