import { createVoicemailDetector } from '../../media-server/voicemail/create-voicemail-detector';
import { PcmFramer } from '../../media-server/voicemail/pcm-framer';
import type { VoicemailDetector, VoicemailDetectorOptions, VoicemailVerdict } from '../../media-server/voicemail/voicemail-detector';
import { concat, RATE, silence, sine, toPcm, vowel } from './voicemail-signals';

/** Speech-like: 180 ms syllables with 40 ms gaps, so the line's noise floor shows between them. */
function speech(ms: number): Float32Array {
  const syllables: Float32Array[] = [];
  for (let at = 0; at < ms; at += 220) syllables.push(vowel(140, [700, 1200], Math.min(180, ms - at), 0.4), silence(Math.min(40, Math.max(0, ms - at - 180))));
  return concat(...syllables);
}
const beep = (ms: number, hz = 1000): Float32Array => sine(hz, ms, 0.5);

type Cue = (detector: VoicemailDetector) => void;

/** Feeds `signal` in chunks as the media stream does, runs `cues` when their time comes, and samples the verdict every chunk. */
function listen(signal: Float32Array, cues: Record<number, Cue> = {}, options: Partial<VoicemailDetectorOptions> = {}, chunkMs = 100): { detector: VoicemailDetector; verdicts: Map<number, VoicemailVerdict> } {
  const detector = createVoicemailDetector({ sampleRate: RATE, ...options });
  const pcm = toPcm(signal);
  const chunkBytes = (RATE * 2 * chunkMs) / 1000;
  const pending = Object.entries(cues).map(([at, cue]) => [Number(at), cue] as const).sort((a, b) => a[0] - b[0]);
  const verdicts = new Map<number, VoicemailVerdict>();
  for (let offset = 0, atMs = 0; offset < pcm.length; offset += chunkBytes, atMs += chunkMs) {
    detector.pushAudio(pcm.subarray(offset, offset + chunkBytes), atMs);
    const nowMs = atMs + chunkMs;
    while (pending.length > 0 && pending[0][0] <= nowMs) (pending.shift() as (typeof pending)[number])[1](detector);
    verdicts.set(nowMs, detector.verdict(nowMs));
  }
  return { detector, verdicts };
}

function firstTime(verdicts: Map<number, VoicemailVerdict>, test: (verdict: VoicemailVerdict) => boolean): number | undefined {
  for (const [atMs, verdict] of verdicts) if (test(verdict)) return atMs;
  return undefined;
}

const isMachine = (verdict: VoicemailVerdict): boolean => verdict.kind === 'machine';
const isReady = (verdict: VoicemailVerdict): boolean => verdict.kind === 'machine' && verdict.readyToSpeak;

describe('voicemail detector', () => {
  it('calls a lone beep a machine, and is ready to speak when it ends', () => {
    const { verdicts } = listen(concat(silence(1200), beep(400), silence(1000)));
    expect(firstTime(verdicts, isMachine)).toBe(1400);
    expect(verdicts.get(1400)).toMatchObject({ kind: 'machine', score: 0.6, reasons: ['beep 1000 Hz at 1200 ms (+0.60)'], readyToSpeak: false });
    // The beep ends at 1600 ms; two quiet frames later the tone is over.
    expect(firstTime(verdicts, isReady)).toBe(1700);
  });

  it('calls a long greeting with a strong phrase a machine, and waits 800 ms of silence after it when no beep was promised', () => {
    const { verdicts } = listen(concat(silence(500), speech(3000), silence(2000)), {
      1400: (d) => d.pushTranscript("Hi, you've reached", false, 1400),
      3850: (d) => d.pushTranscript("Hi, you've reached Priya, I'm away.", true, 3850),
    });
    expect(firstTime(verdicts, isMachine)).toBe(2000);
    // The greeting ends at 3500 ms.
    expect(firstTime(verdicts, isReady)).toBe(4300);
  });

  it('waits for a promised beep, even past the decision window, and speaks right after it', () => {
    const { verdicts } = listen(concat(silence(500), speech(4500), silence(600), beep(500), silence(1000)), {
      2000: (d) => d.pushTranscript("You've reached Priya", false, 2000),
      5350: (d) => d.pushTranscript("You've reached Priya. Leave a message after the beep.", true, 5350),
    });
    expect(firstTime(verdicts, isMachine)).toBeLessThanOrEqual(2100);
    // 600 ms of silence after the greeting is not enough: the beep was promised. It ends at 6100 ms.
    expect(firstTime(verdicts, isReady)).toBe(6200);
  });

  it('does not take the known false positive for a machine: "he is not available", then a question', () => {
    const { verdicts } = listen(concat(silence(500), speech(3000), silence(3000)), {
      2000: (d) => d.pushTranscript('He is not available right now', false, 2000),
      3850: (d) => d.pushTranscript('He is not available right now, can I take a message?', true, 3850),
    });
    expect(firstTime(verdicts, isMachine)).toBeUndefined();
    // A question, then the caller waits: a person.
    expect(firstTime(verdicts, (verdict) => verdict.kind === 'human')).toBe(4300);
  });

  it('counts an answer to the bot after a pause as a person, but not a barge-in during the first stretch of speech', () => {
    const words = {
      2000: (d: VoicemailDetector) => d.pushTranscript('He is not available', false, 2000),
      3000: (d: VoicemailDetector) => d.pushTranscript('He is not available right now, he went out', true, 3000),
    };
    const signal = concat(silence(500), speech(2200), silence(1500), speech(800), silence(500));
    // Barge-in at 800 ms: the greeting goes on, so it says nothing about turn-taking.
    const bargeIn = listen(signal, { ...words, 800: (d) => d.noteInteraction(800) });
    expect(bargeIn.verdicts.get(3800)).toEqual({ kind: 'undecided' });
    // The greeting ended at 2700 ms; the reply at 4300 ms came after the caller had yielded the turn.
    const reply = listen(signal, { ...words, 4300: (d) => d.noteInteraction(4300) });
    expect(reply.verdicts.get(4400)).toEqual({ kind: 'human' });
  });

  it('calls "Hello?" then silence a person at once, and a beep alone does not undo that', () => {
    const hello = listen(concat(silence(400), speech(400), silence(2000)));
    expect(firstTime(hello.verdicts, (verdict) => verdict.kind === 'human')).toBe(1600);
    const thenBeep = listen(concat(silence(400), speech(400), silence(1200), beep(400), silence(1000)));
    expect(thenBeep.verdicts.get(1600)).toEqual({ kind: 'human' });
    expect(firstTime(thenBeep.verdicts, isMachine)).toBeUndefined();
  });

  it('keeps an early "human": a greeting and a beep after "Hello?" and a pause do not turn it into a machine', () => {
    const signal = concat(silence(400), speech(400), silence(1000), speech(1800), silence(400), beep(400), silence(800));
    const { verdicts } = listen(signal, { 3950: (d) => d.pushTranscript('This is Priya, leave a message after the beep.', true, 3950) });
    expect(firstTime(verdicts, (verdict) => verdict.kind === 'human')).toBe(1600);
    expect(firstTime(verdicts, isMachine)).toBeUndefined();
  });

  it('gives no machine verdict on evidence from after decideWithinMs, and calls everything else human then', () => {
    const late = concat(silence(500), speech(2000), silence(3500), beep(500), silence(500));
    const { verdicts } = listen(late);
    expect(firstTime(verdicts, isMachine)).toBeUndefined();
    expect(verdicts.get(5000)).toEqual({ kind: 'human' });
    expect(verdicts.get(7000)).toEqual({ kind: 'human' });
    // With a longer window, the long greeting (+0.30) and the beep at 6000 ms (+0.60) make a machine.
    expect(firstTime(listen(late, {}, { decideWithinMs: 8000 }).verdicts, isMachine)).toBe(6200);
    // Transcripts and interactions after the window are not weighed either.
    const words = listen(concat(silence(500), speech(5000), silence(1000)), { 5300: (d) => d.pushTranscript('please leave a message after the beep', true, 5300) });
    expect(firstTime(words.verdicts, isMachine)).toBeUndefined();
  });

  it('takes its threshold from the options', () => {
    const signal = concat(silence(500), speech(2500), silence(1000));
    const cues = { 1500: (d: VoicemailDetector) => d.pushTranscript('not available', false, 1500) };
    expect(firstTime(listen(signal, cues).verdicts, isMachine)).toBeUndefined();
    expect(firstTime(listen(signal, cues, { threshold: 0.45 }).verdicts, isMachine)).toBe(2000);
  });

  it('decides the same whatever the chunk size, and at 16 kHz', () => {
    const signal = concat(silence(700), beep(300, 850), silence(800));
    for (const chunkMs of [20, 100, 500]) expect(firstTime(listen(signal, {}, {}, chunkMs).verdicts, isReady)).toBe(Math.ceil(1040 / chunkMs) * chunkMs);
    const detector = createVoicemailDetector({ sampleRate: 16_000 });
    detector.pushAudio(toPcm(concat(new Float32Array(16_000), sine(1000, 400, 0.5, 16_000), new Float32Array(8000))), 0);
    expect(detector.verdict(1500)).toMatchObject({ kind: 'machine', readyToSpeak: true });
  });
});

describe('PCM framer', () => {
  it('cuts chunks of any size into 20 ms frames on the stream timeline', () => {
    const framer = new PcmFramer(RATE);
    const pcm = toPcm(sine(1000, 100));
    expect(framer.push(pcm.subarray(0, 200), 0)).toEqual([]);
    const frames = [...framer.push(pcm.subarray(200, 1000), 12.5), ...framer.push(pcm.subarray(1000), 62.5)];
    expect(frames.map((frame) => frame.startMs)).toEqual([0, 20, 40, 60, 80]);
    expect(frames.every((frame) => frame.samples.length === 160)).toBe(true);
    expect(frames[0].samples[1]).toBeCloseTo(pcm.readInt16LE(2) / 32768, 6);
  });

  it('drops a partial frame when audio goes missing, and carries on at the new time', () => {
    const framer = new PcmFramer(RATE);
    expect(framer.push(Buffer.alloc(200), 0)).toEqual([]);
    expect(framer.push(Buffer.alloc(320), 500).map((frame) => frame.startMs)).toEqual([500]);
  });
});
