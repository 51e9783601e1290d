import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { OpenAiSimulator } from '../../sim/openai/simulator';
import { END_CALL_TOOL, MODEL, collect, conversation, rawRequest, sdkClient, simStats, startOpenAiSimulator, streamedText } from './openai-helpers';

describe('OpenAI simulator: chat completions through the openai SDK', () => {
  let simulator: OpenAiSimulator;
  let openai: OpenAI;

  beforeEach(async () => {
    // Fast clock: these tests are about shapes and rules; openai-timing tests the clock.
    simulator = await startOpenAiSimulator({ ttftMs: 20, tokensPerSecond: 2000 });
    openai = sdkClient(simulator);
  });

  afterEach(async () => {
    await simulator.stop();
  });

  it('streams chunks that reassemble to the non-streamed reply', async () => {
    for (const said of ['I would like to move my appointment to Friday.', 'Can you tell me what time the clinic opens?']) {
      const whole = await openai.chat.completions.create({ model: MODEL, messages: conversation(said) });
      const chunks = await collect(await openai.chat.completions.create({ model: MODEL, messages: conversation(said), stream: true }));

      expect(whole).toMatchObject({ object: 'chat.completion', model: MODEL, choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', refusal: null } }] });
      const text = whole.choices[0].message.content ?? '';
      expect(text.length).toBeGreaterThan(10);
      expect(streamedText(chunks)).toBe(text);
      expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.id === chunks[0].id)).toBe(true);
      expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
      expect(chunks.at(-1)?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
      // Tokens of about four characters, not one blob.
      expect(chunks.length).toBeGreaterThan(text.length / 6);
    }
  });

  it('answers by the documented rules, deterministically', async () => {
    const reply = async (said: string): Promise<string> =>
      (await openai.chat.completions.create({ model: MODEL, messages: conversation(said) })).choices[0].message.content ?? '';

    const statement = await reply('I want to reschedule my dental appointment please.');
    expect(statement).toContain('I want to reschedule my dental');
    expect(await reply('I want to reschedule my dental appointment please.')).toBe(statement);

    const answer = await reply('What documents should I bring?');
    expect(answer.split(/(?<=[.?!])\s+/).length).toBeGreaterThanOrEqual(2);
    expect(answer.split(/(?<=[.?!])\s+/).length).toBeLessThanOrEqual(3);
    expect(await reply('What documents should I bring?')).toBe(answer);

    expect(await reply('[DTMF 5]')).toMatch(/^You pressed 5\./);
    // Goodbye without an end_call tool on offer: a spoken goodbye.
    expect(await reply('No thanks, bye.')).toBe('Thank you for your time. Goodbye!');
    // No user message yet: the model opens the conversation.
    const greeting = await openai.chat.completions.create({ model: MODEL, messages: [{ role: 'system', content: 'Greet the caller.' }] });
    expect(greeting.choices[0].message.content).toBe('Hello! How can I help you today?');
  });

  it('calls end_call in fragments the SDK merges, with finish_reason tool_calls', async () => {
    const request = { model: MODEL, messages: conversation("Okay, that's all. Bye!"), tools: [END_CALL_TOOL], stream_options: { include_usage: true } };
    const chunks = await collect(await openai.chat.completions.create({ ...request, stream: true }));

    const fragments = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(fragments[0]).toMatchObject({ index: 0, id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'end_call', arguments: '' } });
    const argumentPieces = fragments.slice(1).map((fragment) => fragment.function?.arguments ?? '');
    expect(argumentPieces.length).toBeGreaterThan(2);
    expect(fragments.slice(1).every((fragment) => fragment.index === 0 && fragment.id === undefined)).toBe(true);
    expect(JSON.parse(argumentPieces.join(''))).toEqual({ reason: 'The caller said goodbye.' });
    const finish = chunks.find((chunk) => chunk.choices[0]?.finish_reason);
    expect(finish?.choices[0].finish_reason).toBe('tool_calls');
    // include_usage: a last chunk with no choices and the usage.
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: fragments.length } });

    // The SDK's own stream helper merges the fragments by index.
    const final = await openai.chat.completions.stream(request).finalChatCompletion();
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    expect(final.choices[0].message.tool_calls).toEqual([
      { id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'end_call', arguments: '{"reason":"The caller said goodbye."}' } },
    ]);

    // Non-streamed, the same call arrives whole (stream_options belongs to streams only).
    const { stream_options: _streamOnly, ...wholeRequest } = request;
    const whole = await openai.chat.completions.create(wholeRequest);
    expect(whole.choices[0]).toMatchObject({ finish_reason: 'tool_calls', message: { content: null, tool_calls: [{ function: { name: 'end_call' } }] } });

    // After the tool's result, the model says goodbye.
    const afterTool = await openai.chat.completions.create({
      model: MODEL,
      tools: [END_CALL_TOOL],
      messages: [
        ...request.messages,
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'end_call', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'ok' },
      ],
    });
    expect(afterTool.choices[0].message.content).toBe('Thank you for your time. Goodbye!');
    expect(await simStats(simulator)).toMatchObject({ toolCalls: 3, replies: { goodbye: 3, 'after-tool': 1 } });
  });

  it('answers programmed replies, text or tool call', async () => {
    const program = async (body: unknown): Promise<number> =>
      (await rawRequest('POST', `${simulator.baseUrl}/sim/replies`, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })).status;
    expect(await program({ match: 'BALANCE', reply: 'Your balance is 500 rupees.' })).toBe(200);
    expect(await program({ match: 'wrong number', reply: { tool: 'end_call', arguments: { reason: 'wrong number' } } })).toBe(200);

    const text = await openai.chat.completions.create({ model: MODEL, messages: conversation('What is my balance?') });
    expect(text.choices[0].message.content).toBe('Your balance is 500 rupees.');
    const tool = await openai.chat.completions.create({ model: MODEL, tools: [END_CALL_TOOL], messages: conversation('Sorry, wrong number.') });
    expect(tool.choices[0].message.tool_calls?.[0]).toMatchObject({ function: { name: 'end_call', arguments: '{"reason":"wrong number"}' } });
  });

  it('stops at max_completion_tokens with finish_reason length', async () => {
    const whole = await openai.chat.completions.create({ model: MODEL, messages: conversation('Tell me about the parking near the clinic.'), max_completion_tokens: 3 });
    expect(whole.choices[0].finish_reason).toBe('length');
    expect(whole.usage?.completion_tokens).toBe(3);
    const chunks: ChatCompletionChunk[] = await collect(
      await openai.chat.completions.create({ model: MODEL, messages: conversation('Tell me about the parking near the clinic.'), max_completion_tokens: 3, stream: true }),
    );
    expect(streamedText(chunks)).toBe(whole.choices[0].message.content);
  });

  it('refuses a missing or wrong key with 401 and OpenAI’s error body', async () => {
    const anonymous = new OpenAI({ apiKey: 'unused', baseURL: `${simulator.baseUrl}/v1`, maxRetries: 0, defaultHeaders: { Authorization: null } });
    const missing = await anonymous.chat.completions.create({ model: MODEL, messages: conversation('Hello') }).catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((missing as InstanceType<typeof OpenAI.AuthenticationError>).error).toEqual({
      message: expect.stringContaining("You didn't provide an API key"),
      type: 'invalid_request_error',
      param: null,
      code: null,
    });
    const wrong = await sdkClient(simulator, 'sk-wrong-key-123').chat.completions.create({ model: MODEL, messages: conversation('Hello'), stream: true }).catch((err: unknown) => err);
    expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(wrong).toMatchObject({ status: 401, code: 'invalid_api_key' });
  });

  it('refuses malformed bodies with 400 and OpenAI’s error body', async () => {
    const refusal = async (body: Record<string, unknown>): Promise<unknown> =>
      openai.chat.completions.create(body as never).catch((err: unknown) => err);

    expect(await refusal({ model: MODEL })).toMatchObject({ status: 400, param: 'messages', code: 'missing_required_parameter', type: 'invalid_request_error' });
    expect(await refusal({ model: MODEL, messages: [] })).toMatchObject({ status: 400, param: 'messages', code: 'empty_array' });
    expect(await refusal({ model: MODEL, messages: [{ role: 'caller', content: 'hi' }] })).toMatchObject({ status: 400, param: 'messages[0].role', code: 'invalid_value' });
    expect(await refusal({ model: MODEL, messages: [{ role: 'user', content: 42 }] })).toMatchObject({ status: 400, param: 'messages[0].content' });
    expect(await refusal({ model: MODEL, messages: conversation('hi'), temprature: 0.2 })).toMatchObject({
      status: 400,
      error: { message: 'Unrecognized request argument supplied: temprature', param: null, code: null },
    });
    expect(await refusal({ messages: conversation('hi') })).toMatchObject({ status: 400, param: 'model' });
    expect(await refusal({ model: MODEL, messages: conversation('hi'), stream_options: { include_usage: true } })).toMatchObject({ status: 400, param: 'stream_options' });

    const notJson = await rawRequest('POST', `${simulator.baseUrl}/v1/chat/completions`, {
      body: '{"model": "gpt-4o-mini", "messages": [',
      headers: { authorization: `Bearer test-openai-key`, 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.json()).toEqual({ error: { message: expect.stringContaining('We could not parse the JSON body'), type: 'invalid_request_error', param: null, code: null } });
    expect(await simStats(simulator)).toMatchObject({ errors: { '400': 8 } });
  });
});
