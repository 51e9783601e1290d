import { FRAME_MS } from '../../domain/voicemail/frame-tonality';
import { scanTones } from '../../media-server/voicemail/tone-listener';
import type { ExotelSimulator } from '../../sim/exotel/simulator';
import { BotServer, CALLER_ID, dialOk, simPost, startSimulator, waitFor, waitForStatus } from './exotel-helpers';
import { botSays, calleeAudio, calleeFinished, callWithCallee, dialAndConnect, messagesOf } from './exotel-callee-helpers';

describe('Exotel simulator callees: hang-up, voicemail, scripts', () => {
  let simulator: ExotelSimulator;
  let bot: BotServer;
  let botUrl: string;

  beforeEach(async () => {
    bot = new BotServer();
    botUrl = await bot.start();
    // The scripted hang-up must come before the hang-up scenario's talk-time backstop.
    simulator = await startSimulator({ calleeHangUpAfterMs: 20_000 });
  });

  afterEach(async () => {
    await simulator.stop();
    await bot.stop();
  });

  it('hang-up mid-sentence (…007): says hello, then stop/callended partway through the bot’s reply', async () => {
    const { sid, connection } = await dialAndConnect(simulator, bot, botUrl, '+919845012007');
    const botStartedAt = botSays(connection, 5000);
    const ended = await waitForStatus(simulator, sid, 'completed', 8000);
    expect(ended.endReason).toBe('callee-hung-up');
    const stop = connection.messages.at(-1);
    expect(stop).toMatchObject({ event: 'stop', stop: { call_sid: sid, reason: 'callended' } });
    // The bot's 5 s of audio was still playing when the callee hung up.
    expect((stop?.receivedAt ?? Infinity) - botStartedAt).toBeLessThan(4500);

    const steps = (await callWithCallee(simulator, sid)).media?.callee ?? [];
    expect(steps.map((step) => step.kind)).toEqual(['say', 'hang-up']);
    const [hello, hangUp] = steps;
    expect(hello).toMatchObject({ what: 'Hello? Who is this?', startMs: 400 });
    expect(hangUp.startMs - (hello.endMs as number)).toBeGreaterThanOrEqual(1350);
    expect(hangUp.startMs - (hello.endMs as number)).toBeLessThanOrEqual(1650);
  });

  it('voicemail (…005): greeting at answer, then a 1000 Hz beep of 500 ms, then silence', async () => {
    const { sid, connection } = await dialAndConnect(simulator, bot, botUrl, '+919845012005');
    const [greeting, beep] = await calleeFinished(simulator, sid, 1, 12_000);
    expect(greeting.startMs).toBe(600);
    expect(beep).toMatchObject({ kind: 'sound', startMs: (greeting.endMs as number) + 450 });
    await waitFor(() => calleeAudio(connection).length >= ((beep.endMs as number) + 300) * 16, 'the audio after the beep');

    // The beep detector of Ringline's voicemail detection finds it where the script put it.
    const tone = scanTones(calleeAudio(connection), 8000);
    expect(tone.beeps).toHaveLength(1);
    expect(Math.abs(tone.beeps[0].frequencyHz - 1000)).toBeLessThanOrEqual(10);
    expect(Math.abs(tone.beeps[0].startMs - beep.startMs)).toBeLessThanOrEqual(FRAME_MS);
    // Measured over 40 ms windows (two frames), a tone's end is seen up to two frames late.
    expect(Math.abs(tone.beeps[0].endMs - (beep.endMs as number))).toBeLessThanOrEqual(2 * FRAME_MS);
    expect(messagesOf(connection, 'stop')).toEqual([]);
  });

  it('lists each call’s spoken lines as `script`, and lets a programmed scenario name a script', async () => {
    const dial = async (number: string): Promise<string> =>
      (await dialOk(simulator, { From: number, CallerId: CALLER_ID, StreamUrl: `${botUrl}/ws?token=t`, StreamType: 'bidirectional' })).Sid;
    const scriptOf = async (number: string): Promise<string[]> => (await callWithCallee(simulator, await dial(number))).script;

    expect(await scriptOf('+919845012000')).toEqual(['Hello?', 'Yes, this is Rahul.', 'When is my payment due?', 'Okay, thank you. Bye.']);
    expect(await scriptOf('+919845012987')).toEqual(['Hello?', 'Yes, this is Rahul.', 'When is my payment due?', 'Okay, thank you. Bye.']);
    expect(await scriptOf('+919845012005')).toEqual(["Hi, you've reached Priya. I'm not available right now. Please leave a message after the beep."]);
    expect(await scriptOf('+919845012006')).toEqual([]);
    expect(await scriptOf('+919845012001')).toEqual([]);
    expect(await scriptOf('+919845012009')).toEqual(['Hello? Yes, who is this?', "Sorry, I'm busy right now. What is this about?", 'Okay, fine. Call me tomorrow. Bye.']);
    expect(await scriptOf('+919845012010')).toEqual(['Hello?', 'Thank you. Bye.']);
    expect(await scriptOf('+919845012011')).toEqual([
      "Hi, this is Karan. I can't take your call right now. Please leave a message and I'll call you back.",
    ]);

    const programmed = await simPost(simulator, '/sim/scenarios', { number: '+919845012345', scenarios: [{ name: 'answer', script: 'dtmf' }] });
    expect(programmed.status).toBe(200);
    expect(await scriptOf('+919845012345')).toEqual(['Hello?', 'Thank you. Bye.']);
    expect((await simPost(simulator, '/sim/scenarios', { number: '+919845012345', scenarios: [{ name: 'answer', script: 'sing' }] })).status).toBe(400);
  });
});
