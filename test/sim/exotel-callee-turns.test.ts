import type { ExotelSimulator } from '../../sim/exotel/simulator';
import { BotServer, startSimulator, waitFor } from './exotel-helpers';
import { botSays, BYTES_PER_MS, calleeAudio, calleeFinished, clipBytes, dialAndConnect, isSilent, messagesOf } from './exotel-callee-helpers';

describe('Exotel simulator callees taking turns with the bot', () => {
  let simulator: ExotelSimulator;
  let bot: BotServer;
  let botUrl: string;

  beforeEach(async () => {
    bot = new BotServer();
    botUrl = await bot.start();
    simulator = await startSimulator();
  });

  afterEach(async () => {
    await simulator.stop();
    await bot.stop();
  });

  it('cooperative callee (…000): speaks its clips in order, each after the bot’s audio finished playing', async () => {
    const { sid, connection } = await dialAndConnect(simulator, bot, botUrl, '+919845012000');
    botSays(connection, 1000);
    const [hello] = await calleeFinished(simulator, sid, 0);
    // The greeting plays for 1 s from the stream's start; "Hello?" follows the 500 ms think pause.
    expect(hello.what).toBe('Hello?');
    expect(hello.startMs).toBeGreaterThanOrEqual(1450);
    expect(hello.startMs).toBeLessThanOrEqual(1700);

    const replySentAt = botSays(connection, 600);
    const steps = await calleeFinished(simulator, sid, 1);
    const rahul = steps[1];
    expect(rahul.what).toBe('Yes, this is Rahul.');
    const replyEndsMs = (hello.endMs as number) + 600;
    expect(rahul.startMs).toBeGreaterThanOrEqual(replyEndsMs + 400 - 50);
    expect(Date.now() - replySentAt).toBeGreaterThanOrEqual(600 + 400);

    await waitFor(() => calleeAudio(connection).length >= ((rahul.endMs as number) + 100) * BYTES_PER_MS, 'Rahul’s line on the wire');
    const audio = calleeAudio(connection);
    const at = (ms: number): number => Math.round(ms * BYTES_PER_MS);
    const helloClip = clipBytes('cooperative-hello');
    const rahulClip = clipBytes('cooperative-rahul');
    expect(isSilent(audio.subarray(0, at(hello.startMs)))).toBe(true);
    expect(audio.subarray(at(hello.startMs), at(hello.startMs) + helloClip.length)).toEqual(helloClip);
    expect(isSilent(audio.subarray(at(hello.startMs) + helloClip.length, at(rahul.startMs)))).toBe(true);
    expect(audio.subarray(at(rahul.startMs), at(rahul.startMs) + rahulClip.length)).toEqual(rahulClip);
    // Between and after lines the callee keeps streaming silence, like Exotel.
    expect(isSilent(audio.subarray(at(rahul.startMs) + rahulClip.length))).toBe(true);
  });

  it('interrupter (…009): starts talking about 800 ms into the bot’s audio, while it still plays', async () => {
    const { sid, connection } = await dialAndConnect(simulator, bot, botUrl, '+919845012009');
    const botStartedAt = botSays(connection, 3000);
    const firstVoice = await waitFor(
      () => messagesOf(connection, 'media').find((message) => !isSilent(Buffer.from((message.media as { payload: string }).payload, 'base64'))),
      'the callee’s voice',
    );
    expect(firstVoice.receivedAt - botStartedAt).toBeLessThan(1500);
    const [interruption] = await calleeFinished(simulator, sid, 0);
    expect(interruption.what).toBe('Hello? Yes, who is this?');
    expect(interruption.startMs).toBeGreaterThanOrEqual(750);
    expect(interruption.startMs).toBeLessThanOrEqual(1000);
  });

  it('DTMF callee (…010): answers, then presses 5 and 1, sent as Exotel dtmf events', async () => {
    const { sid, connection } = await dialAndConnect(simulator, bot, botUrl, '+919845012010');
    botSays(connection, 500);
    await calleeFinished(simulator, sid, 0);
    botSays(connection, 800);
    const [five, one] = await waitFor(() => (messagesOf(connection, 'dtmf').length === 2 ? messagesOf(connection, 'dtmf') : undefined), 'two dtmf events', 6000);
    expect(five).toMatchObject({ event: 'dtmf', stream_sid: expect.any(String), sequence_number: expect.any(Number), dtmf: { digit: '5', duration: '250' } });
    expect(one).toMatchObject({ event: 'dtmf', dtmf: { digit: '1', duration: '200' } });
    // Key 1 goes down 400 ms after key 5 came up, and is held 200 ms.
    expect(one.receivedAt - five.receivedAt).toBeGreaterThanOrEqual(500);
    expect(one.receivedAt - five.receivedAt).toBeLessThan(900);
    expect(Number(one.sequence_number)).toBeGreaterThan(Number(five.sequence_number));
  });
});
