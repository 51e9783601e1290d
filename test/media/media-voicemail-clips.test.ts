import { recordCarrierAnsweredBy } from '../../db/carrier-answered-by';
import { attemptCallLogId } from '../../domain/attempt-address';
import { clipPcm, loadEvalSet, type EvalClip } from '../../bench/voicemail-eval-set';
import { createVoicemailDetector } from '../../media-server/voicemail/create-voicemail-detector';
import { startMediaHarness, type MediaHarness, type TestCall } from './media-harness';
import { concat, silence, sine, toPcm, vowel } from '../unit/voicemail-signals';

/**
 * The real voicemail detector inside the media server, hearing recorded answers from the evaluation
 * set played as the callee at real-time pace, audio only (the fake speech-to-text hears no words).
 */
const set = loadEvalSet();
const clip = (file: string): EvalClip => {
  const found = set.clips.find((candidate) => candidate.file === file);
  if (!found) throw new Error(`no clip ${file}`);
  return found;
};

/** The clip, then silence, in the chunks the client asks for. */
function playing(pcm: Buffer): (bytes: number) => Buffer {
  let offset = 0;
  return (bytes) => {
    const chunk = Buffer.alloc(bytes);
    pcm.copy(chunk, 0, offset, Math.min(pcm.length, offset + bytes));
    offset += bytes;
    return chunk;
  };
}

describe('media server: voicemail detection on recorded answers', () => {
  let h: MediaHarness;

  beforeAll(async () => {
    h = await startMediaHarness('vm-clips', { voicemail: createVoicemailDetector });
  });

  afterAll(async () => {
    await h?.stop();
  });

  const agent = { voicemailDetection: true, greeting: 'Hello from Acme Finance.', voicemailMessage: 'Please call Acme Finance back.' };
  const bot = async (call: TestCall) => ((await h.callLog(call))?.transcript ?? []).filter((turn) => turn.speaker === 'bot').map((turn) => turn.text);

  it('a machine that only beeps (a 700 Hz beep at 1.9 s): the message right after the beep, then the hang-up', async () => {
    const answer = clip('machine-beep-only-063-snr5.ul');
    const beep = answer.tones[0];
    const call = await h.createCall(agent);
    const client = await h.connect(call.url, { callerAudio: playing(clipPcm(answer)) });
    client.start();
    await client.closed;
    expect((await h.ended(call.callId)).ended[0].outcome).toBe('voicemail');
    const message = client.media.find((m) => m.at - client.startSentAt > beep.endMs);
    // The stream runs at real time from `start`: the message leaves within 500 ms of the beep's end (and
    // this machine's 100 ms chunks).
    expect((message?.at ?? Infinity) - client.startSentAt).toBeLessThanOrEqual(beep.endMs + 600);
    expect(await bot(call)).toContain('Please call Acme Finance back.');
    expect((await h.callLog(call))?.voicemailDetection).toMatchObject({ verdict: 'machine', messageAttempted: true, messageLeft: true });
  });

  it('an operator announcement after the special information tone: unreachable at once, no message', async () => {
    const answer = clip('unreachable-announcement-sit-067-snr20.ul');
    const call = await h.createCall(agent);
    const client = await h.connect(call.url, { callerAudio: playing(clipPcm(answer)) });
    client.start();
    const closed = await client.closed;
    // The tone ends at 1.2 s and is judged 300 ms later.
    expect(closed.at - client.startSentAt).toBeLessThan(2_500);
    expect((await h.ended(call.callId)).ended[0].outcome).toBe('unreachable');
    expect(await bot(call)).not.toContain('Please call Acme Finance back.');
    const detection = (await h.callLog(call))?.voicemailDetection;
    expect(detection).toMatchObject({ verdict: 'unreachable', score: 1, messageAttempted: false });
    expect(detection?.reasons[0]).toMatch(/^special information tone at \d+ ms$/);
  });

  it("reads Exotel's AnsweredBy from the attempt's record while the verdict is open, and records it among the reasons", async () => {
    const answer = clip('machine-beep-only-063-snr5.ul');
    const call = await h.createCall(agent);
    await recordCarrierAnsweredBy(attemptCallLogId(call.callId, call.attempt), 'any', 'machine');
    const client = await h.connect(call.url, { callerAudio: playing(clipPcm(answer)) });
    client.start();
    await client.closed;
    expect((await h.ended(call.callId)).ended[0].outcome).toBe('voicemail');
    expect((await h.callLog(call))?.voicemailDetection?.reasons).toContain('Exotel AnsweredBy machine (machine threshold 0.45)');
  });

  it('a machine that talks again after its beep: the message stops, and starts over once the machine is quiet', async () => {
    // Syllables of a voice: 180 ms, 40 ms apart.
    const speech = (ms: number) => concat(...Array.from({ length: Math.floor(ms / 220) }, () => concat(vowel(140, [700, 1200], 180, 0.4), silence(40))));
    // The beep ends at 1,000 ms and is judged at about 1,300 ms; the machine talks from 1,600 to about 3,360 ms.
    const answer = concat(silence(500), sine(1000, 500, 0.5), silence(600), speech(1760), silence(4000));
    const call = await h.createCall(agent);
    const client = await h.connect(call.url, { callerAudio: playing(toPcm(answer)) });
    client.start();
    await client.closed;
    expect((await h.ended(call.callId)).ended[0].outcome).toBe('voicemail');
    const at = (ms: number) => ms - client.startSentAt;
    // The message started after the beep was judged, and was cleared once the machine talked again.
    expect(client.media.some((m) => at(m.at) > 1_250 && at(m.at) < 1_700)).toBe(true);
    expect(client.clears.map(at).filter((ms) => ms > 1_250)).toEqual([expect.any(Number)]);
    expect(at(client.clears[client.clears.length - 1])).toBeLessThan(1_600 + 400);
    // Given again from the start after the machine's last word plus 400 ms of silence, and played to its end.
    const messages = ((await h.callLog(call))?.transcript ?? []).filter((turn) => turn.speaker === 'bot' && turn.text === 'Please call Acme Finance back.');
    expect(messages).toHaveLength(1);
    expect(at(new Date(messages[0].startedAt).getTime())).toBeGreaterThanOrEqual(3_360 + 400);
    expect((await h.callLog(call))?.voicemailDetection).toMatchObject({ verdict: 'machine', messageLeft: true });
  });
});
