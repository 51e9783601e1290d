import { VoicemailWatch } from '../../media-server/voicemail-watch';
import type { VoicemailDetector, VoicemailVerdict } from '../../media-server/voicemail/voicemail-detector';

/** A detector that answers the verdicts given, one per call, and counts what it is fed. */
function detectorSaying(verdicts: VoicemailVerdict[]): VoicemailDetector & { fed: number } {
  let next = 0;
  const detector = {
    fed: 0,
    pushAudio: () => void (detector.fed += 1),
    pushTranscript: () => void (detector.fed += 1),
    noteInteraction: () => void (detector.fed += 1),
    noteAnsweredBy: () => undefined,
    verdict: (): VoicemailVerdict => verdicts[Math.min(next++, verdicts.length - 1)],
    decision: () => ({ verdict: 'undecided' as const, score: 0, reasons: [], decidedAtMs: null }),
  };
  return detector;
}

const PCM = Buffer.alloc(1600);
const machine = (readyToSpeak: boolean): VoicemailVerdict => ({ kind: 'machine', score: 0.9, reasons: ['beep'], readyToSpeak });

describe('voicemail watch', () => {
  it('keeps listening to a provisional person, and reports the machine a late beep reveals, once', () => {
    const detector = detectorSaying([{ kind: 'human', provisional: true }, { kind: 'human', provisional: true }, machine(false), machine(true)]);
    const machines: number[] = [];
    const watch = new VoicemailWatch(detector, { machine: () => machines.push(1), unreachable: () => undefined });
    for (let i = 0; i < 4; i += 1) watch.audio(PCM, i * 100, i * 100);
    expect(detector.fed).toBe(4);
    expect(machines).toHaveLength(1);
    expect(watch.machine).toBe(true);
    expect(watch.readyToSpeak()).toBe(true);
  });

  it('stops listening once the person is confirmed', () => {
    const detector = detectorSaying([{ kind: 'human', provisional: false }, machine(true)]);
    const watch = new VoicemailWatch(detector, { machine: () => undefined, unreachable: () => undefined });
    watch.audio(PCM, 0, 0);
    watch.audio(PCM, 100, 100);
    watch.transcript('leave a message', true, 200);
    expect(detector.fed).toBe(1);
    expect(watch.machine).toBe(false);
  });

  it('reports an announcement once and listens no more', () => {
    const detector = detectorSaying([{ kind: 'undecided' }, { kind: 'unreachable', score: 1, reasons: ['special information tone at 300 ms'] }]);
    const announcements: string[][] = [];
    const watch = new VoicemailWatch(detector, { machine: () => undefined, unreachable: (verdict) => announcements.push(verdict.reasons) });
    for (let i = 0; i < 4; i += 1) watch.audio(PCM, i * 100, i * 100);
    expect(announcements).toEqual([['special information tone at 300 ms']]);
    expect(detector.fed).toBe(2);
  });
});
