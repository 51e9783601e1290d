import { recordCarrierAnsweredBy } from '../../db/carrier-answered-by';
import { attemptCallLogId } from '../../domain/attempt-address';
import { clipPcm, loadEvalSet, type EvalClip } from '../../bench/voicemail-eval-set';
import { createVoicemailDetector } from '../../media-server/voicemail/create-voicemail-detector';
import { startMediaHarness, type MediaHarness, type TestCall } from './media-harness';

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
});
