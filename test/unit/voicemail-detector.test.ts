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

const isHuman = (verdict: VoicemailVerdict): boolean => verdict.kind === 'human';
const sit = (): Float32Array => concat(sine(913.8, 274, 0.3), sine(1370.6, 274, 0.3), sine(1776.7, 380, 0.3));

describe('voicemail detector', () => {
  it('calls a lone beep a machine once it is judged (300 ms after it ends), ready to speak at once', () => {
    const { verdicts, detector } = listen(concat(silence(1200), beep(400), silence(1000)));
    // The beep ends at 1600 ms; judged 300 ms later, seen at the end of the next chunk.
    expect(firstTime(verdicts, isMachine)).toBe(2000);
    expect(firstTime(verdicts, isReady)).toBe(2000);
    expect(detector.decision()).toMatchObject({ verdict: 'machine', score: 0.6, decidedAtMs: 1920 });
    expect(detector.decision().reasons[0]).toMatch(/^beep 100\d Hz at 1[12]\d0 ms \(\+0\.60\)$/);
  });

  it('calls a long greeting with a strong phrase a machine on its final transcript, and waits 400 ms of silence after it', () => {
    const { verdicts } = listen(concat(silence(500), speech(3000), silence(2000)), {
      1400: (d) => d.pushTranscript("Hi, you've reached", false, 1400),
      3850: (d) => d.pushTranscript("Hi, you've reached Priya, I'm away.", true, 3500),
    });
    // A person, provisionally, 2.3 s after the first word (at 500 ms); a machine once the words are final.
    expect(firstTime(verdicts, isHuman)).toBe(2800);
    expect(firstTime(verdicts, isMachine)).toBe(3900);
    // The greeting ends at 3500 ms; the last 40 ms window to hold some of it ends at 3520 ms, and 400 ms
    // of silence after that falls in the chunk that ends at 4000 ms.
    expect(firstTime(verdicts, isReady)).toBe(4000);
  });

  it('is no longer ready to speak when the greeting resumes after a pause, and ready again once it ends', () => {
    const { verdicts } = listen(concat(silence(500), speech(3000), silence(700), speech(1500), silence(1500)), {
      3850: (d) => d.pushTranscript("Hi, you've reached Priya, I'm away.", true, 3500),
    });
    expect(firstTime(verdicts, isReady)).toBe(4000);
    // The greeting resumes at 4200 ms and ends at 5700 ms (its last window at 5720 ms).
    expect(verdicts.get(4300)).toMatchObject({ kind: 'machine', readyToSpeak: false });
    expect(verdicts.get(5700)).toMatchObject({ kind: 'machine', readyToSpeak: false });
    expect(verdicts.get(6200)).toMatchObject({ kind: 'machine', readyToSpeak: true });
  });

  it('is ready in the silence after a greeting that promised a beep, not while the late beep sounds, and ready right after it', () => {
    const { verdicts } = listen(concat(silence(500), speech(4500), silence(600), beep(500), silence(1000)), {
      2000: (d) => d.pushTranscript("You've reached Priya", false, 2000),
      5350: (d) => d.pushTranscript("You've reached Priya. Leave a message after the beep.", true, 5000),
    });
    expect(firstTime(verdicts, isMachine)).toBe(5400);
    // 400 ms of silence after the greeting (its last window at 5020 ms) lets the message start; the beep
    // at 5600 ms stops it, and it may start again once the beep (ending at 6100 ms) is judged.
    expect(firstTime(verdicts, isReady)).toBe(5500);
    expect(verdicts.get(5700)).toMatchObject({ kind: 'machine', readyToSpeak: false });
    expect(verdicts.get(6300)).toMatchObject({ kind: 'machine', readyToSpeak: false });
    expect(verdicts.get(6500)).toMatchObject({ kind: 'machine', readyToSpeak: true });
  });

  it('turns a provisional person into a machine when a beep ends a long greeting at 20 s', () => {
    const greeting = concat(...Array.from({ length: 6 }, () => concat(speech(2800), silence(500))));
    const { verdicts } = listen(concat(silence(500), greeting, silence(400), beep(300, 1400), silence(1000)));
    expect(firstTime(verdicts, isHuman)).toBe(2800);
    const machineAt = firstTime(verdicts, isMachine) ?? 0;
    // The beep ends at 500 + 6 × 3300 + 400 + 300 = 21000 ms.
    expect(machineAt).toBeGreaterThanOrEqual(21_300);
    expect(machineAt).toBeLessThanOrEqual(21_400);
  });

  it('does not take the known false positive for a machine: "he is not available", then a question', () => {
    const { verdicts } = listen(concat(silence(500), speech(3000), silence(3000)), {
      2000: (d) => d.pushTranscript('He is not available right now', false, 2000),
      3850: (d) => d.pushTranscript('He is not available right now, can I take a message?', true, 3500),
    });
    expect(firstTime(verdicts, isMachine)).toBeUndefined();
    expect(firstTime(verdicts, isHuman)).toBe(2800);
  });

  it('keeps a person who took turns: a greeting and a beep after an answer to the bot do not make a machine', () => {
    const signal = concat(silence(400), speech(400), silence(1000), speech(800), silence(2000), speech(1800), silence(400), beep(400), silence(800));
    const { verdicts } = listen(signal, { 2700: (d) => d.noteInteraction(1800) });
    expect(firstTime(verdicts, isHuman)).toBe(1700);
    expect(verdicts.get(2700)).toEqual({ kind: 'human', provisional: false });
    expect(firstTime(verdicts, isMachine)).toBeUndefined();
  });

  it('does not count a barge-in during the first stretch of speech as turn-taking', () => {
    const signal = concat(silence(500), speech(2200), silence(1500), beep(400), silence(800));
    const { verdicts } = listen(signal, { 800: (d) => d.noteInteraction(800) });
    expect(firstTime(verdicts, isMachine)).toBe(5000);
  });

  it('gives no machine verdict on a beep after its timeout, and makes the person final then', () => {
    const late = concat(silence(500), speech(2000), silence(3500), beep(500), silence(500));
    expect(firstTime(listen(late, {}, { timeoutMs: 5000 }).verdicts, isMachine)).toBeUndefined();
    expect(listen(late, {}, { timeoutMs: 5000 }).verdicts.get(5100)).toEqual({ kind: 'human', provisional: false });
    expect(firstTime(listen(late).verdicts, isMachine)).toBe(6900);
  });

  it('takes its threshold from the options, and Exotel\'s AnsweredBy as a hint that moves it', () => {
    const signal = concat(silence(500), speech(2500), silence(1000));
    const cues = { 3400: (d: VoicemailDetector) => d.pushTranscript('not available', true, 3000) };
    expect(firstTime(listen(signal, cues).verdicts, isMachine)).toBeUndefined();
    expect(firstTime(listen(signal, cues, { threshold: 0.45 }).verdicts, isMachine)).toBe(3400);
    // The hint with a long greeting alone is no machine; with one more phrase it is, and says why.
    expect(firstTime(listen(signal, { 2500: (d) => d.noteAnsweredBy('machine') }).verdicts, isMachine)).toBeUndefined();
    const hinted = listen(signal, { 2500: (d) => d.noteAnsweredBy('machine'), ...cues });
    expect(firstTime(hinted.verdicts, isMachine)).toBe(3400);
    expect(hinted.detector.decision().reasons).toEqual(['keywords: not available (+0.15)', expect.stringMatching(/^greeting of \d+ ms \(\+0.30\)$/), 'Exotel AnsweredBy machine (machine threshold 0.45)']);
    // A human hint does not outvote a beep.
    const beeping = concat(silence(500), speech(2000), silence(500), beep(500), silence(600));
    expect(firstTime(listen(beeping, { 600: (d) => d.noteAnsweredBy('human') }).verdicts, isMachine)).toBe(firstTime(listen(beeping).verdicts, isMachine));
    expect(firstTime(listen(beeping, { 600: (d) => d.noteAnsweredBy('human') }).verdicts, isMachine)).toBeDefined();
  });

  it('calls a special information tone or an operator\'s words unreachable, and records why', () => {
    const tones = listen(concat(silence(300), sit(), silence(600), speech(2000), silence(500)));
    expect(firstTime(tones.verdicts, (verdict) => verdict.kind === 'unreachable')).toBe(1600);
    expect(tones.detector.decision()).toMatchObject({ verdict: 'unreachable', score: 1 });
    expect(tones.detector.decision().reasons[0]).toMatch(/^special information tone at \d+ ms$/);
    const words = listen(concat(silence(300), speech(3000), silence(1500)), {
      2000: (d) => d.pushTranscript('The number you have dialled is currently', false, 1800),
      2600: (d) => d.pushTranscript('The number you have dialled is currently switched off', false, 2400),
    });
    expect(firstTime(words.verdicts, (verdict) => verdict.kind === 'unreachable')).toBe(2600);
  });

  it('decides the same whatever the chunk size, and at 16 kHz', () => {
    const signal = concat(silence(700), beep(300, 850), silence(800));
    // The beep ends at 1000 ms and is judged 300 ms later, at a frame boundary.
    for (const chunkMs of [20, 100, 500]) expect(firstTime(listen(signal, {}, {}, chunkMs).verdicts, isReady)).toBe(Math.ceil(1320 / chunkMs) * chunkMs);
    const detector = createVoicemailDetector({ sampleRate: 16_000 });
    detector.pushAudio(toPcm(concat(new Float32Array(16_000), sine(1000, 400, 0.5, 16_000), new Float32Array(8000))), 0);
    expect(detector.verdict(1900)).toMatchObject({ kind: 'machine', readyToSpeak: true });
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
