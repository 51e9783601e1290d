import { isBackchannel } from '../../domain/conversation/backchannel';
import { isBargeIn } from '../../domain/conversation/barge-in-rule';

const thresholds = { minWords: 2, minSpeechMs: 400 };

describe('backchannels', () => {
  it.each<[string, boolean]>([
    ['mm-hmm', true],
    ['Mm hmm.', true],
    ['uh-huh', true],
    ['Okay.', true],
    ['ok ok', true],
    ['Yes.', true],
    ['yeah, right', true],
    ['haan', true],
    ['haan ji', true],
    ['theek hai', true],
    ['हाँ जी', true],
    ['अच्छा', true],
    ['I see.', true],
    ['got it', true],
    ['yes yes yes yes yes', false],
    ['wait', false],
    ['okay but what about Friday', false],
    ['no', false],
    ['stop', false],
    ['', false],
  ])('%j → %s', (text, expected) => {
    expect(isBackchannel(text)).toBe(expected);
  });
});

describe('barge-in rule', () => {
  it.each<[string, string, number, boolean]>([
    ['enough words', 'wait a second', 300, true],
    ['two words', 'hold on', 200, true],
    ['one short word', 'wait', 200, false],
    ['one long word', 'waaait', 600, true],
    ['a backchannel, however long', 'mm-hmm', 900, false],
    ['two backchannel words', 'haan ji', 500, false],
    ['a backchannel that turns into a sentence', 'okay so about the payment', 900, true],
    ['noise: speech without words', '', 1500, false],
  ])('%s', (_name, text, speechMs, expected) => {
    expect(isBargeIn({ text, speechMs }, thresholds)).toBe(expected);
  });

  it('follows the configured thresholds', () => {
    expect(isBargeIn({ text: 'hold on', speechMs: 100 }, { minWords: 3, minSpeechMs: 1000 })).toBe(false);
    expect(isBargeIn({ text: 'hold on please', speechMs: 100 }, { minWords: 3, minSpeechMs: 1000 })).toBe(true);
  });
});
