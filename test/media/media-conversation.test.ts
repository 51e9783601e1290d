import { FakeLlm, FakeStt, FakeTts, type ScriptedReply } from './fake-providers';
import { startMediaHarness, type MediaHarness, type TestCall } from './media-harness';
import type { ExotelVoicebotClient } from '../helpers/exotel-voicebot-client';

let h: MediaHarness;
const llm = new FakeLlm();
const stt = new FakeStt();
const tts = new FakeTts();
/** Replies by what the caller last said; anything unscripted gets "Sure." */
let replies: Record<string, ScriptedReply> = {};

beforeAll(async () => {
  llm.script = (request) => {
    const last = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    return Object.entries(replies).find(([cue]) => last.includes(cue))?.[1] ?? { text: 'Sure.' };
  };
  h = await startMediaHarness('conversation', { llm, stt, tts });
});

beforeEach(() => {
  replies = {};
});

afterAll(async () => {
  await h?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A call whose greeting has played: its mark is back at the server (the greeting is in the call log). */
async function answeredCall(agent: Parameters<MediaHarness['createCall']>[0] = {}) {
  const call = await h.createCall(agent);
  const client = await h.connect(call.url);
  client.start();
  const recognizer = await stt.stream(client.callSid);
  await turnsRecorded(call, 1);
  return { call, client, recognizer };
}

async function turnsRecorded(call: TestCall, count: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (((await h.callLog(call))?.transcript.length ?? 0) < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} turns recorded`);
    await sleep(20);
  }
}

const marksOf = (client: ExotelVoicebotClient) => client.marksEchoed.length;
/** Caller audio with a voice in it: a 300 Hz tone at about -12 dBFS, 8 kHz. */
function tone(bytes: number): Buffer {
  const pcm = Buffer.alloc(bytes);
  for (let i = 0; i < bytes / 2; i += 1) pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 300 * i) / 8000)), i * 2);
  return pcm;
}
/** A mark echoed by the client reaches the server a moment later; barge-in truncation goes by what the server has seen. */
const markDelivered = () => sleep(50);

async function transcript(call: TestCall): Promise<[string, string, boolean][]> {
  const log = await h.callLog(call);
  return (log?.transcript ?? []).map((t) => [t.speaker, t.text, t.interrupted ?? false]);
}

describe('a conversation', () => {
  it('answers scripted turns; each turn lands in the call log as it happens, with latency figures at the end', async () => {
    replies = {
      'book a table': { text: 'Sure. For how many people?' },
      'Four people': { text: 'Done. See you at eight.' },
    };
    const { call, client, recognizer } = await answeredCall();
    recognizer.say('I want to book a table');
    await turnsRecorded(call, 3);
    expect(await transcript(call)).toEqual([
      ['bot', 'Hello from Ringline.', false],
      ['caller', 'I want to book a table', false],
      ['bot', 'Sure. For how many people?', false],
    ]);
    recognizer.say('Four people please');
    await h.waitUntil(() => marksOf(client) === 5, 'second reply played');
    client.hangUp();
    const { ended } = await h.ended(call.callId);
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ attempt: 1, outcome: 'completed', summary: { turns: 5 } });
    expect(ended[0].summary?.durationMs).toBeGreaterThan(1_000);

    expect((await transcript(call)).map(([speaker, text]) => `${speaker}: ${text}`)).toEqual([
      'bot: Hello from Ringline.',
      'caller: I want to book a table',
      'bot: Sure. For how many people?',
      'caller: Four people please',
      'bot: Done. See you at eight.',
    ]);
    const log = await h.callLog(call);
    expect(log?.transcript.map((t) => t.turn)).toEqual([1, 2, 3, 4, 5]);
    expect(log?.latency).toHaveLength(2);
    for (const figures of log?.latency ?? []) {
      expect(figures).toMatchObject({
        sttFinalMs: expect.any(Number),
        llmFirstTokenMs: expect.any(Number),
        ttsFirstByteMs: expect.any(Number),
        voiceToVoiceMs: expect.any(Number),
      });
      // Fakes answer in about 20 ms (model) and 10 ms (speech): the whole turn stays well under 300 ms.
      expect(figures.voiceToVoiceMs).toBeLessThan(300);
      expect(figures.voiceToVoiceMs).toBeGreaterThanOrEqual(figures.llmFirstTokenMs as number);
    }
    expect(log?.latency.map((l) => l.turn)).toEqual([3, 5]);
    expect(ended[0].summary?.latency).toEqual(log?.latency.map((l) => ({ ...l })));

    const lastRequest = llm.requests[llm.requests.length - 1];
    expect(lastRequest.model).toBe('gpt-4o-mini');
    expect(lastRequest.tools.map((t) => t.name)).toEqual(['end_call']);
    expect(lastRequest.messages.map((m) => m.role)).toEqual(['system', 'assistant', 'user', 'assistant', 'user']);
    expect(lastRequest.messages[0].content).toContain('You remind customers of appointments.');
    expect(recognizer.closed).toBe(true);
  });

  it('closes a turn on utterance-end when endpointing never fires', async () => {
    replies = { 'noisy line': { text: 'I hear you.' } };
    const { call, client, recognizer } = await answeredCall();
    recognizer.result('on a noisy line', true, false);
    await sleep(200);
    expect(client.marksEchoed).toHaveLength(1);
    recognizer.utteranceEnd();
    await h.waitUntil(() => marksOf(client) === 2, 'reply played');
    expect(recognizer.finalizes).toBe(0);
    client.hangUp();
    await h.ended(call.callId);
    expect((await transcript(call)).slice(1, 2)).toEqual([['caller', 'on a noisy line', false]]);
  });

  it('closes a turn on its own silence timer, asking the recognizer to finalize first', async () => {
    replies = { 'only interim': { text: 'Got it.' } };
    const { call, client, recognizer } = await answeredCall();
    recognizer.result('only interim words', false, false);
    // No final and no utterance-end: the harness's 1.5 s silence timer, then Finalize and 300 ms for its answer.
    await h.waitUntil(() => recognizer.finalizes === 1, 'Finalize', 3_000);
    await h.waitUntil(() => marksOf(client) === 2, 'reply played', 3_000);
    client.hangUp();
    await h.ended(call.callId);
    expect((await transcript(call)).slice(1, 2)).toEqual([['caller', 'only interim words', false]]);
  });

  it('stops when the caller barges in: clear is sent, the reply is cut to what was heard', async () => {
    replies = {
      'tell me everything': { text: 'The first sentence is here. The second sentence takes a good while to say. The third one never plays.' },
      'hold on': { text: 'Of course.' },
    };
    const { call, client, recognizer } = await answeredCall();
    recognizer.say('tell me everything');
    await h.waitUntil(() => marksOf(client) === 2, 'first sentence of the reply played');
    await markDelivered();
    const requestsBefore = llm.requests.length;
    recognizer.result('hold on a second', false, false, 500);
    await h.waitUntil(() => client.clears.length === 1, 'clear');
    recognizer.result('hold on a second', true, true, 500);
    await h.waitUntil(() => marksOf(client) === 3, 'the answer to the interruption played');
    expect(llm.requests).toHaveLength(requestsBefore + 1);
    expect(llm.requests[requestsBefore].messages.slice(-2)).toEqual([
      { role: 'assistant', content: 'The first sentence is here.' },
      { role: 'user', content: 'hold on a second' },
    ]);
    client.hangUp();
    await h.ended(call.callId);
    expect(await transcript(call)).toEqual([
      ['bot', 'Hello from Ringline.', false],
      ['caller', 'tell me everything', false],
      ['bot', 'The first sentence is here.', true],
      ['caller', 'hold on a second', false],
      ['bot', 'Of course.', false],
    ]);
    const metric = await h.registry.getSingleMetric('ringline_media_barge_ins_total')?.get();
    expect(metric?.values[0].value).toBeGreaterThanOrEqual(1);
  });

  it('does not stop for a backchannel', async () => {
    const reply = 'Your appointment is on Monday. Please bring your card. We open at nine.';
    replies = { 'my appointment': { text: reply } };
    const { call, client, recognizer } = await answeredCall();
    recognizer.say('when is my appointment');
    await h.waitUntil(() => marksOf(client) === 2, 'first sentence played');
    const requestsBefore = llm.requests.length;
    recognizer.say('mm-hmm', 700);
    await sleep(100);
    recognizer.say('okay', 500);
    await h.waitUntil(() => marksOf(client) === 4, 'the whole reply played', 8_000);
    expect(client.clears).toHaveLength(0);
    await sleep(200);
    expect(llm.requests).toHaveLength(requestsBefore);
    client.hangUp();
    await h.ended(call.callId);
    expect((await transcript(call)).slice(2)).toEqual([['bot', reply, false]]);
  });

  it('answers a short remark made over the bot once the bot has finished', async () => {
    replies = { 'the address': { text: 'It is at 12 Park Street. Near the station.' }, what: { text: 'Twelve, Park Street.' } };
    const { call, client, recognizer } = await answeredCall();
    recognizer.say('what is the address');
    await h.waitUntil(() => marksOf(client) === 2, 'first sentence played');
    recognizer.say('what', 200);
    await h.waitUntil(() => marksOf(client) === 4, 'reply and the answer to the remark played', 8_000);
    expect(client.clears).toHaveLength(0);
    client.hangUp();
    await h.ended(call.callId);
    expect((await transcript(call)).slice(2).map(([speaker, text]) => `${speaker}: ${text}`)).toEqual([
      'bot: It is at 12 Park Street. Near the station.',
      'caller: what',
      'bot: Twelve, Park Street.',
    ]);
  });

  it('passes key presses to the model as "[DTMF n]"', async () => {
    replies = { '[DTMF 5]': { text: 'You pressed five.' } };
    const { call, client } = await answeredCall();
    client.dtmf('5');
    await h.waitUntil(() => marksOf(client) === 2, 'reply to the key press');
    expect(llm.callerLines[llm.callerLines.length - 1]).toBe('[DTMF 5]');
    client.hangUp();
    await h.ended(call.callId);
    expect((await transcript(call)).slice(1)).toEqual([
      ['caller', '[DTMF 5]', false],
      ['bot', 'You pressed five.', false],
    ]);
  });

  it('starts the model on a stable interim and keeps that reply when the final says the same', async () => {
    replies = { 'opening hours': { text: 'We open at nine.', firstTokenMs: 300 } };
    const { call, client, recognizer } = await answeredCall();
    const requestsBefore = llm.requests.length;
    recognizer.result('what are your opening hours', false, false);
    recognizer.result('what are your opening hours', false, false);
    await h.waitUntil(() => llm.requests.length === requestsBefore + 1, 'speculative request');
    await sleep(150);
    recognizer.result('What are your opening hours?', true, true);
    await h.waitUntil(() => marksOf(client) === 2, 'reply played');
    expect(llm.requests).toHaveLength(requestsBefore + 1);
    client.hangUp();
    await h.ended(call.callId);
    const log = await h.callLog(call);
    // The model started 150 ms before the turn ended: voice-to-voice is shorter than its time to first token.
    expect(log?.latency[0].voiceToVoiceMs).toBeLessThan(log?.latency[0].llmFirstTokenMs as number);
  });

  it('starts the model on a one-word interim once our side hears the caller stop after it', async () => {
    replies = { hello: { text: 'Hi, this is Asha.', firstTokenMs: 300 } };
    let talking = false;
    const call = await h.createCall({});
    const client = await h.connect(call.url, { callerAudio: (bytes) => (talking ? tone(bytes) : Buffer.alloc(bytes)) });
    client.start();
    const recognizer = await stt.stream(client.callSid);
    await turnsRecorded(call, 1);
    const requestsBefore = llm.requests.length;
    talking = true;
    await sleep(400);
    talking = false;
    await sleep(150);
    // One word, said once: the recognizer alone gives no stable guess; only the silence heard after it does.
    recognizer.result('hello', false, false, 500);
    await h.waitUntil(() => llm.requests.length === requestsBefore + 1, 'speculative request before the final');
    recognizer.result('Hello?', true, true, 500);
    await h.waitUntil(() => marksOf(client) === 2, 'reply played');
    expect(llm.requests).toHaveLength(requestsBefore + 1);
    client.hangUp();
    await h.ended(call.callId);
    expect((await transcript(call)).slice(1)).toEqual([
      ['caller', 'Hello?', false],
      ['bot', 'Hi, this is Asha.', false],
    ]);
  });

  it('drops a speculative reply when the final turn says something else', async () => {
    replies = { 'meeting tomorrow': { text: 'Yes, at ten.' }, 'what time': { text: 'Wrong guess.' } };
    const { call, client, recognizer } = await answeredCall();
    const requestsBefore = llm.requests.length;
    const abortedBefore = llm.aborted;
    recognizer.result('what time', false, false);
    recognizer.result('what time', false, false);
    await h.waitUntil(() => llm.requests.length === requestsBefore + 1, 'speculative request');
    recognizer.result('what time is the meeting tomorrow', true, true);
    await h.waitUntil(() => marksOf(client) === 2, 'reply played');
    expect(llm.requests).toHaveLength(requestsBefore + 2);
    expect(llm.aborted).toBe(abortedBefore + 1);
    client.hangUp();
    await h.ended(call.callId);
    expect((await transcript(call)).slice(2)).toEqual([['bot', 'Yes, at ten.', false]]);
  });
});

describe('the bot ends the call', () => {
  it('when the model calls end_call: its reply, then the goodbye, then the socket closes after the goodbye mark', async () => {
    replies = { 'that is all': { text: 'Glad I could help.', toolCall: 'end_call' } };
    const { call, client, recognizer } = await answeredCall({ goodbyeMessage: 'Goodbye from Asha.' });
    recognizer.say('that is all thanks');
    const closed = await client.closed;
    expect(closed.code).toBe(1000);
    expect(client.marksEchoed).toHaveLength(3);
    expect(closed.at).toBeGreaterThanOrEqual(client.marksEchoed[2].at);
    const { ended } = await h.ended(call.callId);
    expect(ended[0].outcome).toBe('hangup_by_bot');
    expect((await transcript(call)).map(([, text]) => text)).toEqual(['Hello from Ringline.', 'that is all thanks', 'Glad I could help.', 'Goodbye from Asha.']);
  });

  it('when end_call comes with no words: straight to the goodbye', async () => {
    replies = { 'stop calling': { toolCall: 'end_call' } };
    const { call, client, recognizer } = await answeredCall();
    recognizer.say('please stop calling me');
    await client.closed;
    expect((await h.ended(call.callId)).ended[0].outcome).toBe('hangup_by_bot');
    expect((await transcript(call)).map(([, text]) => text)).toEqual(['Hello from Ringline.', 'please stop calling me', 'Goodbye now.']);
  });

  it('when the caller says an end phrase: no model request, the goodbye, then close', async () => {
    const { call, client, recognizer } = await answeredCall({ endPhrases: ['bye', 'see you'] });
    const requestsBefore = llm.requests.length;
    recognizer.say('okay thanks, bye');
    const closed = await client.closed;
    expect(closed.at).toBeGreaterThanOrEqual(client.marksEchoed[client.marksEchoed.length - 1].at);
    expect(llm.requests).toHaveLength(requestsBefore);
    expect((await h.ended(call.callId)).ended[0].outcome).toBe('hangup_by_bot');
    expect((await transcript(call)).map(([, text]) => text)).toEqual(['Hello from Ringline.', 'okay thanks, bye', 'Goodbye now.']);
  });
});
