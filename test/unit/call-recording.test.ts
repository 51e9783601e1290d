import { recordingOf, recordingRequested, type AttemptRecording } from '../../domain/call-recording';

describe('recordingRequested', () => {
  it.each([
    [undefined, undefined, false],
    [undefined, false, false],
    [undefined, true, true],
    [true, false, true],
    [true, undefined, true],
    [false, true, false],
    [false, undefined, false],
  ])('call %s, agent %s: %s', (call, agent, recorded) => {
    expect(recordingRequested(call, agent)).toBe(recorded);
  });
});

describe('recordingOf', () => {
  const url = (n: number) => `https://rec.example/recordings/${n}.wav`;
  const attempts: AttemptRecording[] = [
    { attempt: 1, recordingUrl: null },
    { attempt: 2, recordingUrl: url(2), durationSec: 12 },
    { attempt: 3, recordingUrl: null },
  ];
  it.each<[string, AttemptRecording[], number, number | undefined]>([
    ['the call: its latest recorded attempt', attempts, 1, 2],
    ['the call, two recorded attempts: the later', [...attempts, { attempt: 4, recordingUrl: url(4) }], 1, 4],
    ['a recorded retry: its own', attempts, 2, 2],
    ['an unrecorded retry: none, even when another attempt has one', attempts, 3, undefined],
    ['a call with no recording at all', [{ attempt: 1 }, { attempt: 2, recordingUrl: '' }], 1, undefined],
  ])('%s', (_case, rows, addressed, expected) => {
    expect(recordingOf(rows, addressed)?.attempt).toBe(expected);
  });
});
