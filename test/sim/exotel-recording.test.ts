import type { ExotelSimulator } from '../../sim/exotel/simulator';
import {
  BotServer,
  CALLER_ID,
  CallbackReceiver,
  dial,
  dialOk,
  request,
  sleep,
  startSimulator,
  waitFor,
  waitForStatus,
  type BotConnection,
  type ReceivedCallback,
} from './exotel-helpers';

/** The bot's audio in these tests: a constant sample value, easy to find in the recording. */
const BOT_SAMPLE = 1000;

function botMedia(ms: number): string {
  const pcm = Buffer.alloc(ms * 16);
  for (let at = 0; at < pcm.length; at += 2) pcm.writeInt16LE(BOT_SAMPLE, at);
  return JSON.stringify({ event: 'media', stream_sid: 's', media: { payload: pcm.toString('base64') } });
}

interface Wav {
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  samples: Int16Array;
}

function readWav(file: Buffer): Wav {
  expect(file.toString('ascii', 0, 4)).toBe('RIFF');
  expect(file.toString('ascii', 8, 12)).toBe('WAVE');
  expect(file.toString('ascii', 36, 40)).toBe('data');
  const dataBytes = file.readUInt32LE(40);
  expect(file.length).toBe(44 + dataBytes);
  expect(file.readUInt32LE(4)).toBe(36 + dataBytes);
  const samples = new Int16Array(dataBytes / 2);
  for (let i = 0; i < samples.length; i += 1) samples[i] = file.readInt16LE(44 + i * 2);
  return { channels: file.readUInt16LE(22), sampleRate: file.readUInt32LE(24), bitsPerSample: file.readUInt16LE(34), samples };
}

describe('Exotel simulator recordings (Record, RecordingChannels)', () => {
  let simulator: ExotelSimulator;
  let bot: BotServer;
  let botUrl: string;
  let receiver: CallbackReceiver;
  let receiverUrl: string;

  beforeEach(async () => {
    bot = new BotServer();
    botUrl = await bot.start();
    receiver = new CallbackReceiver();
    receiverUrl = await receiver.start();
    simulator = await startSimulator();
  });

  afterEach(async () => {
    await simulator.stop();
    await bot.stop();
    await receiver.stop();
  });

  async function talkAndHangUp(record: Record<string, string>): Promise<{ sid: string; terminal: ReceivedCallback; answered: ReceivedCallback }> {
    const call = await dialOk(simulator, {
      From: '+919845012077',
      CallerId: CALLER_ID,
      StreamUrl: `${botUrl}/ws/exotel/voice/c1/1?token=tok`,
      StreamType: 'bidirectional',
      StatusCallback: `${receiverUrl}/status`,
      'StatusCallbackEvents[0]': 'answered',
      'StatusCallbackEvents[1]': 'terminal',
      StatusCallbackContentType: 'application/json',
      ...record,
    });
    const connection: BotConnection = await waitFor(() => bot.connections[0], 'media connection');
    await waitFor(() => connection.messages.some((message) => message.event === 'start'), 'start event');
    connection.socket.send(botMedia(300));
    await sleep(600);
    connection.socket.close();
    await waitForStatus(simulator, call.Sid, 'completed');
    const callbacks = await waitFor(() => (receiver.forCall(call.Sid).length === 2 ? receiver.forCall(call.Sid) : undefined), 'both callbacks');
    const byEvent = (event: string) => callbacks.find((callback) => callback.fields.EventType === event) as ReceivedCallback;
    return { sid: call.Sid, answered: byEvent('answered'), terminal: byEvent('terminal') };
  }

  it('serves a two-channel WAV of the answered call at the terminal callback\'s RecordingUrl: callee left, bot right', async () => {
    const { sid, answered, terminal } = await talkAndHangUp({ Record: 'true', RecordingChannels: 'dual' });
    expect(answered.fields.RecordingUrl).toBeNull();
    const recordingUrl = String(terminal.fields.RecordingUrl);
    expect(recordingUrl).toBe(`${simulator.baseUrl}/recordings/test-account/${sid}.wav`);

    const fetched = await fetch(recordingUrl);
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('content-type')).toMatch(/^audio\/wav/);
    const wav = readWav(Buffer.from(await fetched.arrayBuffer()));
    expect(wav).toMatchObject({ channels: 2, sampleRate: 8000, bitsPerSample: 16 });
    const frames = wav.samples.length / 2;
    // As long as the conversation: the bot talked for 300 ms and hung up 600 ms after.
    expect(frames / 8000).toBeGreaterThan(0.55);
    expect(frames / 8000).toBeLessThan(1.5);
    const botSamples = wav.samples.filter((value, index) => index % 2 === 1 && value === BOT_SAMPLE).length;
    expect(botSamples).toBe(300 * 8);
    // The default callee is silent.
    expect(wav.samples.filter((value, index) => index % 2 === 0 && value !== 0)).toHaveLength(0);

    const details = await request('GET', `${simulator.baseUrl}/v1/Accounts/test-account/Calls/${sid}.json`, {
      headers: { authorization: `Basic ${Buffer.from('test-key:test-token').toString('base64')}` },
    });
    expect(details.json<{ Call: { RecordingUrl: string } }>().Call.RecordingUrl).toBe(recordingUrl);
  });

  it('mixes both sides into one channel by default', async () => {
    const { terminal } = await talkAndHangUp({ Record: 'true' });
    const wav = readWav(Buffer.from(await (await fetch(String(terminal.fields.RecordingUrl))).arrayBuffer()));
    expect(wav.channels).toBe(1);
    expect(wav.samples.filter((value) => value === BOT_SAMPLE)).toHaveLength(300 * 8);
  });

  it('records nothing without Record=true: no RecordingUrl anywhere', async () => {
    const { sid, terminal } = await talkAndHangUp({});
    expect(terminal.fields.RecordingUrl).toBeNull();
    expect((await fetch(`${simulator.baseUrl}/recordings/test-account/${sid}.wav`)).status).toBe(404);
  });

  it('refuses a Record or RecordingChannels value Exotel does not document', async () => {
    const base = { From: '+919845012078', CallerId: CALLER_ID, StreamUrl: `${botUrl}/ws?token=t`, StreamType: 'bidirectional' };
    for (const bad of [{ Record: 'yes' }, { Record: 'true', RecordingChannels: 'stereo' }] as Record<string, string>[]) {
      const answer = await dial(simulator, { ...base, ...bad });
      expect(answer.status).toBe(400);
    }
  });
});
