import { FakeStt } from './fake-providers';
import { scriptedUnreachableDetector, scriptedVoicemailDetector } from './fake-providers';
import { startMediaHarness, type MediaHarness, type TestCall } from './media-harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function texts(h: MediaHarness, call: TestCall): Promise<string[]> {
  return ((await h.callLog(call))?.transcript ?? []).map((t) => `${t.speaker}: ${t.text}${t.interrupted ? ' (interrupted)' : ''}`);
}

describe('how calls end', () => {
  let h: MediaHarness;
  const stt = new FakeStt();

  beforeAll(async () => {
    h = await startMediaHarness('endings', { stt });
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('a silent callee: the prompt after the no-response timeout, then the goodbye and no_response', async () => {
    const call = await h.createCall({ noResponseTimeoutSec: 1, noResponseHangupSec: 1 });
    const client = await h.connect(call.url);
    client.start();
    await h.waitUntil(() => client.marksEchoed.length === 1, 'greeting played');
    const greetingPlayed = client.marksEchoed[0].at;
    await h.waitUntil(() => client.marksEchoed.length === 2, 'prompt played', 5_000);
    // The prompt started a second after the greeting's mark: its first chunk arrived then.
    const promptStart = client.media.find((m) => m.at > greetingPlayed + 500);
    expect((promptStart?.at ?? 0) - greetingPlayed).toBeGreaterThanOrEqual(950);
    expect((promptStart?.at ?? 0) - greetingPlayed).toBeLessThan(1_400);
    const closed = await client.closed;
    expect(closed.at - client.marksEchoed[1].at).toBeGreaterThanOrEqual(950);
    const { ended } = await h.ended(call.callId);
    expect(ended).toHaveLength(1);
    expect(ended[0].outcome).toBe('no_response');
    expect(await texts(h, call)).toEqual(['bot: Hello from Ringline.', 'bot: Are you there?', 'bot: Goodbye now.']);
  });

  it('a caller who answered the prompt is not hung up on', async () => {
    const call = await h.createCall({ noResponseTimeoutSec: 1, noResponseHangupSec: 1 });
    const client = await h.connect(call.url);
    client.start();
    const recognizer = await stt.stream(client.callSid);
    await h.waitUntil(() => client.marksEchoed.length === 2, 'prompt played', 5_000);
    await sleep(300);
    recognizer.say('yes I am here');
    await h.waitUntil(() => client.marksEchoed.length === 3, 'reply played');
    await sleep(500);
    expect((await h.signals(call.callId)).ended).toEqual([]);
    // Silence after a real exchange ends the call as an ordinary bot hang-up, not a no-response.
    const { ended } = await h.ended(call.callId, 8_000);
    expect(ended[0].outcome).toBe('hangup_by_bot');
  });

  it('the agent maximum duration: goodbye, then hang-up', async () => {
    const call = await h.createCall({ maxCallDurationSec: 2, greeting: 'Hello.', goodbyeMessage: 'Our time is up, goodbye.' });
    const client = await h.connect(call.url);
    client.start();
    const closed = await client.closed;
    expect(closed.at - client.startSentAt).toBeGreaterThanOrEqual(2_000);
    expect(closed.at - client.startSentAt).toBeLessThan(3_500);
    const { ended } = await h.ended(call.callId);
    expect(ended[0].outcome).toBe('hangup_by_bot');
    expect(await texts(h, call)).toEqual(['bot: Hello.', 'bot: Our time is up, goodbye.']);
  });

  it('a dropped socket is connection_lost, and the transcript keeps what was heard', async () => {
    const call = await h.createCall({ greeting: 'First part of the greeting. Second part of the greeting takes longer to say.' });
    const client = await h.connect(call.url);
    client.start();
    await h.waitUntil(() => client.marksEchoed.length === 1, 'first sentence played');
    await sleep(50);
    client.drop();
    const { ended, started } = await h.ended(call.callId);
    expect(started).toHaveLength(1);
    expect(ended).toHaveLength(1);
    expect(ended[0].outcome).toBe('connection_lost');
    expect(await texts(h, call)).toEqual(['bot: First part of the greeting. (interrupted)']);
  });

  it('the caller hanging up is completed; the signals carry the attempt, the control URL and a summary', async () => {
    const call = await h.createCall({}, { attempt: 2 });
    const client = await h.connect(call.url);
    client.start();
    await h.waitUntil(() => client.marksEchoed.length === 1, 'greeting played');
    client.hangUp();
    const { started, ended } = await h.ended(call.callId);
    expect(started).toEqual([{ attempt: 2, controlUrl: 'http://127.0.0.1/control/end', streamSid: client.streamSid, startedAt: expect.any(String) }]);
    expect(ended).toEqual([
      { attempt: 2, outcome: 'completed', summary: { turns: 1, durationMs: expect.any(Number), latency: [] }, endedAt: expect.any(String) },
    ]);
    expect(Date.parse(ended[0].endedAt)).toBeGreaterThanOrEqual(Date.parse(started[0].startedAt));
    await sleep(300);
    expect((await h.signals(call.callId)).ended).toHaveLength(1);
  });

  it('without speech recognition no conversation can be held: goodbye, then connection_lost', async () => {
    stt.failOpens = 2;
    const call = await h.createCall();
    const client = await h.connect(call.url);
    client.start();
    await client.closed;
    const { ended } = await h.ended(call.callId);
    expect(ended[0].outcome).toBe('connection_lost');
    expect((await texts(h, call)).pop()).toBe('bot: Goodbye now.');
  });

  it('a call whose workflow cannot be signalled still runs, and the server carries on', async () => {
    const call = await h.createCall({}, { workflow: false });
    const client = await h.connect(call.url);
    client.start();
    await h.waitUntil(() => client.marksEchoed.length === 1, 'greeting played');
    client.hangUp();
    await client.closed;
    const deadline = Date.now() + 3_000;
    while (((await h.callLog(call))?.transcript.length ?? 0) < 1 && Date.now() < deadline) await sleep(20);
    expect(await texts(h, call)).toEqual(['bot: Hello from Ringline.']);
    const health = await fetch(`${h.baseUrl}/health`);
    expect(health.status).toBe(200);
  });

  it('a call the database does not know is closed (1011) and reported as connection_lost', async () => {
    const call = await h.createCall();
    await h.deleteCallLog(call);
    const client = await h.connect(call.url);
    client.start();
    const closed = await client.closed;
    expect(closed.code).toBe(1011);
    expect(client.media).toHaveLength(0);
    const { started, ended } = await h.ended(call.callId);
    expect(started).toHaveLength(1);
    expect(ended[0].outcome).toBe('connection_lost');
  });

  it('speech recognition that drops mid-call is reopened once', async () => {
    const call = await h.createCall();
    const client = await h.connect(call.url);
    client.start();
    const first = await stt.stream(client.callSid);
    await h.waitUntil(() => client.marksEchoed.length === 1, 'greeting played');
    first.fail();
    const second = await h.waitUntil(() => stt.streams.get(client.callSid) !== first && stt.streams.get(client.callSid), 'a new stream');
    await sleep(50);
    second.say('are you still there');
    await h.waitUntil(() => client.marksEchoed.length === 2, 'reply played');
    client.hangUp();
    expect((await h.ended(call.callId)).ended[0].outcome).toBe('completed');
    expect(await texts(h, call)).toEqual(['bot: Hello from Ringline.', 'caller: are you still there', 'bot: Sure.']);
  });
});

describe('graceful shutdown', () => {
  it('stops taking calls, then ends the live ones with a goodbye', async () => {
    const h = await startMediaHarness('shutdown');
    try {
      const call = await h.createCall({ goodbyeMessage: 'We are closing, goodbye.' });
      const client = await h.connect(call.url);
      client.start();
      await h.waitUntil(() => client.marksEchoed.length === 1, 'greeting played');
      const closing = h.server.close({ drainMs: 300, goodbyeMs: 5_000 });
      await sleep(50);
      const late = await h.createCall();
      await expect(h.connect(late.url)).rejects.toThrow();
      const closed = await client.closed;
      expect(closed.at).toBeGreaterThanOrEqual(client.marksEchoed[client.marksEchoed.length - 1].at);
      await closing;
      const { ended } = await h.ended(call.callId);
      expect(ended[0].outcome).toBe('hangup_by_bot');
      expect((await texts(h, call)).pop()).toBe('bot: We are closing, goodbye.');
    } finally {
      await h.stop();
    }
  });
});

describe('voicemail', () => {
  let h: MediaHarness;

  beforeAll(async () => {
    // A machine is recognised 600 ms into the call; its beep has passed at 1500 ms.
    h = await startMediaHarness('voicemail', { voicemail: scriptedVoicemailDetector(600, 1_500) });
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('stops the greeting, waits for the beep, leaves the message, hangs up after its mark', async () => {
    const call = await h.createCall({
      voicemailDetection: true,
      greeting: 'This greeting is long enough to still be playing when the machine is recognised.',
      voicemailMessage: 'Please call Ringline back.',
    });
    const client = await h.connect(call.url);
    client.start();
    await h.waitUntil(() => client.clears.length === 1, 'greeting cleared', 3_000);
    expect(client.clears[0] - client.startSentAt).toBeGreaterThanOrEqual(600);
    const closed = await client.closed;
    const messageStart = client.media.find((m) => m.at > client.clears[0] + 100);
    expect((messageStart?.at ?? 0) - client.startSentAt).toBeGreaterThanOrEqual(1_450);
    expect(closed.at).toBeGreaterThanOrEqual(client.marksEchoed[client.marksEchoed.length - 1].at);
    const { ended } = await h.ended(call.callId);
    expect(ended[0].outcome).toBe('voicemail');
    expect(await texts(h, call)).toEqual(['bot: Please call Ringline back.']);
    const detection = (await h.callLog(call))?.voicemailDetection;
    expect(detection).toMatchObject({ verdict: 'machine', score: 1, reasons: ['scripted'], decidedAtMs: 600, messageAttempted: true, messageLeft: true });
    expect(detection?.messageDurationMs).toBeGreaterThan(0);
  });

  it('is not looked for when the agent has detection off', async () => {
    const call = await h.createCall({ voicemailDetection: false, greeting: 'Hello there.' });
    const client = await h.connect(call.url);
    client.start();
    await sleep(2_000);
    expect(client.clears).toHaveLength(0);
    client.hangUp();
    expect((await h.ended(call.callId)).ended[0].outcome).toBe('completed');
  });
});

describe('media server: operator announcements', () => {
  let h: MediaHarness;

  beforeAll(async () => {
    h = await startMediaHarness('unreachable', { voicemail: scriptedUnreachableDetector(600) });
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('ends the attempt at once as unreachable, without a message, and records why', async () => {
    const call = await h.createCall({
      voicemailDetection: true,
      greeting: 'This greeting is long enough to still be playing when the announcement is recognised.',
      voicemailMessage: 'Please call Ringline back.',
    });
    const client = await h.connect(call.url);
    client.start();
    const closed = await client.closed;
    expect(closed.at - client.startSentAt).toBeLessThan(2_000);
    const { ended } = await h.ended(call.callId);
    expect(ended[0].outcome).toBe('unreachable');
    expect((await texts(h, call)).some((text) => text.includes('Please call Ringline back'))).toBe(false);
    expect((await h.callLog(call))?.voicemailDetection).toMatchObject({ verdict: 'unreachable', messageAttempted: false, messageLeft: false, messageDurationMs: 0 });
  });
});
