import pino from 'pino';
import { clipPcm, loadEvalSet, runClip, transcribeWithDeepgramSim, type ClipRun, type EvalClip } from '../../bench/voicemail-eval-set';
import { summarizeRuns } from '../../bench/voicemail-figures';
import { createDeepgramSimulator, type DeepgramSimulator } from '../../sim/deepgram/simulator';

/**
 * A fast subset of `npm run bench:voicemail`: every eighth script of the labelled evaluation set
 * (test/fixtures/voicemail-eval; all classes, kinds and conditions), played to the detector as a live
 * call feeds it, audio only and with transcripts through the Deepgram simulator. Held to issue #15's
 * goals; the bench runs the whole set and prints the figures (docs/voicemail.md).
 */
const set = loadEvalSet();
/** Every eighth script of the set, each in both its conditions (the set lists a clean clip, then its noisy twin). */
const subset: EvalClip[] = set.clips.filter((_clip, index) => Math.floor(index / 2) % 8 === 0);
const beepGreetings = (runs: ClipRun[]) => runs.filter((run) => run.clip.label === 'machine' && run.clip.tones.some((tone) => tone.kind === 'beep'));

let deepgram: DeepgramSimulator;

beforeAll(async () => {
  deepgram = createDeepgramSimulator({ exotelSimUrl: null, logger: pino({ level: 'silent' }) });
  await deepgram.start(0);
});

afterAll(async () => {
  await deepgram?.stop();
});

describe('voicemail detection on a subset of the evaluation set', () => {
  it('covers every class and condition', () => {
    expect(subset.length).toBeGreaterThanOrEqual(20);
    expect(new Set(subset.map((clip) => clip.label))).toEqual(new Set(['human', 'machine', 'unreachable']));
    expect(new Set(subset.map((clip) => clip.condition))).toEqual(new Set(['clean', 'snr20', 'snr10', 'snr5']));
  });

  it('audio only: finds greetings that end in a beep, misjudges no person, declares people within 2.5 s of their first word', () => {
    const runs = subset.map((clip) => runClip(clip, clipPcm(clip), set.sampleRate, []));
    const { summary } = summarizeRuns(runs);
    expect(summary.machine.precision).toBeGreaterThanOrEqual(0.98);
    expect(summary.machine.recallBeepGreetings).toBeGreaterThanOrEqual(0.8);
    expect(summary.human.misjudged).toBe(0);
    expect(summary.human.declaredWithin2500MsOfFirstWord).toBe(1);
    // The message starts within 500 ms after the beep; 1 s in the ringback band, where call-progress tones are ruled out first (docs/voicemail.md).
    for (const run of beepGreetings(runs).filter((r) => r.verdict === 'machine')) {
      const beep = run.clip.tones.filter((tone) => tone.kind === 'beep').at(-1);
      const lowBand = beep !== undefined && beep.shape === 'single' && beep.hz[0] >= 360 && beep.hz[0] <= 480;
      expect((run.readyAtMs ?? Infinity) - (beep?.endMs ?? 0)).toBeLessThanOrEqual(lowBand ? 1000 : 500);
    }
  });

  it('with transcripts through the Deepgram simulator: machines and announcements at the goals', async () => {
    const runs: ClipRun[] = [];
    for (const clip of subset) {
      const pcm = clipPcm(clip);
      runs.push(runClip(clip, pcm, set.sampleRate, await transcribeWithDeepgramSim(deepgram.baseUrl, clip, pcm, set.sampleRate)));
    }
    const { summary } = summarizeRuns(runs);
    expect(summary.machine.precision).toBeGreaterThanOrEqual(0.98);
    expect(summary.machine.recall).toBeGreaterThanOrEqual(0.95);
    expect(summary.unreachable.recall).toBeGreaterThanOrEqual(0.9);
    expect(summary.human.misjudged).toBe(0);
  }, 60_000);
});
