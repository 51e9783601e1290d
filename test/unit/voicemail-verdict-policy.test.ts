import type { CarrierAnsweredBy } from '../../domain/voicemail/carrier-answered-by';
import {
  decideVerdict,
  HUMAN_AFTER_FIRST_WORD_MS,
  machineThreshold,
  SILENT_LINE_HUMAN_MS,
  type PolicyVerdict,
  type VerdictFacts,
} from '../../domain/voicemail/verdict-policy';

const FACTS: VerdictFacts = {
  nowMs: 1000,
  timeoutMs: 30_000,
  turnTaking: false,
  operatorAnnouncement: false,
  beepHeard: false,
  score: 0,
  threshold: 0.6,
  carrierHint: null,
  behavedLikeAPerson: false,
  firstSpeechMs: 500,
};
const UNDECIDED: PolicyVerdict = { kind: 'undecided' };
const PROVISIONAL: PolicyVerdict = { kind: 'human', provisional: true };
const PERSON: PolicyVerdict = { kind: 'human', provisional: false };
const MACHINE: PolicyVerdict = { kind: 'machine' };
const UNREACHABLE: PolicyVerdict = { kind: 'unreachable' };

describe('voicemail verdict policy', () => {
  it.each([
    ['nothing yet', UNDECIDED, {}, UNDECIDED],
    ['a beep', UNDECIDED, { beepHeard: true }, MACHINE],
    ['a beep after a provisional person (a long greeting, its beep at 20 s)', PROVISIONAL, { nowMs: 20_000, beepHeard: true }, MACHINE],
    ['a beep at the timeout still counts', PROVISIONAL, { nowMs: 30_000, beepHeard: true }, MACHINE],
    ['a beep after the timeout does not', PROVISIONAL, { nowMs: 30_100, beepHeard: true }, PERSON],
    ['a beep after turn-taking does not', PERSON, { beepHeard: true }, PERSON],
    ['turn-taking and a beep at once: the person', UNDECIDED, { turnTaking: true, beepHeard: true }, PERSON],
    ['the score at the threshold', UNDECIDED, { score: 0.6 }, MACHINE],
    ['the score short of it', UNDECIDED, { score: 0.55 }, UNDECIDED],
    ["Exotel's machine hint: a long greeting and a weak phrase make a machine", UNDECIDED, { score: 0.45, carrierHint: 'machine' }, MACHINE],
    ['a machine hint alone makes no machine', UNDECIDED, { carrierHint: 'machine' }, UNDECIDED],
    ['a machine hint and a long greeting alone make no machine', UNDECIDED, { score: 0.3, carrierHint: 'machine' }, UNDECIDED],
    ['a machine hint at the lowest threshold still needs evidence', UNDECIDED, { threshold: 0.1, carrierHint: 'machine' }, UNDECIDED],
    ['a machine hint and enough evidence turn a provisional person', PROVISIONAL, { nowMs: 6000, score: 0.45, carrierHint: 'machine' }, MACHINE],
    ['a machine hint does not outvote turn-taking', UNDECIDED, { turnTaking: true, score: 0.5, carrierHint: 'machine' }, PERSON],
    ['a machine hint after the timeout changes nothing', PROVISIONAL, { nowMs: 30_001, score: 0.45, carrierHint: 'machine' }, PERSON],
    ["Exotel's human hint: a long greeting and a strong phrase are not enough", UNDECIDED, { score: 0.65, carrierHint: 'human' }, UNDECIDED],
    ['a human hint and overwhelming words still make a machine', UNDECIDED, { score: 0.8, carrierHint: 'human' }, MACHINE],
    ['a human hint does not outvote a beep', UNDECIDED, { beepHeard: true, carrierHint: 'human' }, MACHINE],
    ['nor an operator announcement', UNDECIDED, { operatorAnnouncement: true, carrierHint: 'human' }, UNREACHABLE],
    ['an operator announcement', UNDECIDED, { operatorAnnouncement: true }, UNREACHABLE],
    ['an announcement after a provisional person', PROVISIONAL, { nowMs: 8000, operatorAnnouncement: true }, UNREACHABLE],
    ['an announcement wins over a beep (SIT is tones too)', UNDECIDED, { operatorAnnouncement: true, beepHeard: true }, UNREACHABLE],
    ['"Hello?" then silence', UNDECIDED, { behavedLikeAPerson: true }, PROVISIONAL],
    ['still talking, short of the first-word limit', UNDECIDED, { nowMs: 500 + HUMAN_AFTER_FIRST_WORD_MS - 20 }, UNDECIDED],
    ['still talking at the first-word limit', UNDECIDED, { nowMs: 500 + HUMAN_AFTER_FIRST_WORD_MS }, PROVISIONAL],
    ['nobody spoke, before the silent-line limit', UNDECIDED, { firstSpeechMs: null, nowMs: SILENT_LINE_HUMAN_MS - 100 }, UNDECIDED],
    ['nobody spoke by the silent-line limit', UNDECIDED, { firstSpeechMs: null, nowMs: SILENT_LINE_HUMAN_MS }, PROVISIONAL],
    ['a provisional person stays one without new evidence', PROVISIONAL, { nowMs: 12_000 }, PROVISIONAL],
    ['a provisional person is final after the timeout', PROVISIONAL, { nowMs: 30_001 }, PERSON],
    ['a provisional person who takes turns is final', PROVISIONAL, { turnTaking: true }, PERSON],
    ['a machine is final', MACHINE, { turnTaking: true }, MACHINE],
    ['unreachable is final', UNREACHABLE, { turnTaking: true, beepHeard: true }, UNREACHABLE],
  ] as [string, PolicyVerdict, Partial<VerdictFacts>, PolicyVerdict][])('%s', (_case, previous, facts, expected) => {
    expect(decideVerdict(previous, { ...FACTS, ...facts })).toEqual(expected);
  });

  it.each([
    [0.6, null, 0.6],
    [0.6, 'machine', 0.45],
    [0.6, 'human', 0.75],
    [0.2, 'machine', 0.1],
    [0.1, 'machine', 0.1],
    [0.95, 'human', 1],
  ] as [number, CarrierAnsweredBy | null, number][])('threshold %s with the hint %s → %s', (threshold, hint, expected) => {
    expect(machineThreshold(threshold, hint)).toBe(expected);
  });
});
