import { normalizeColumnName } from '../../domain/contact-row';
import { renderTemplate } from '../../domain/conversation/render-template';
import { normalizeSpeech } from '../../domain/conversation/spoken-text';
import { maskPhoneNumbers } from '../../domain/phone-mask';

/**
 * Text from outside (CSV headers, transcripts, model output, templates, anything logged) goes through
 * these functions; 1 MB shaped to make a backtracking regex go quadratic must still take milliseconds.
 * The bound is loose on purpose (shared CPU): the quadratic forms took seconds to minutes.
 */
const MB = 1024 * 1024;
const repeat = (unit: string) => unit.repeat(Math.ceil(MB / unit.length));

function elapsedMs(work: () => unknown): number {
  const started = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

describe('functions that see outside text run in linear time', () => {
  it.each<[string, () => unknown]>([
    ['normalizeSpeech on a dash run glued to a word', () => normalizeSpeech(`${repeat('-')}x`)],
    ['normalizeSpeech on alternating dashes and apostrophes', () => normalizeSpeech(`${repeat("-'")}a`)],
    ['renderTemplate on a space run without punctuation', () => renderTemplate(`${repeat(' ')}x`, {})],
    ['normalizeColumnName on a capital run', () => normalizeColumnName(repeat('A'))],
    ['normalizeColumnName on an underscore run', () => normalizeColumnName(`${repeat('_')}x`)],
    ['maskPhoneNumbers on " 1-" repeated', () => maskPhoneNumbers(repeat(' 1-'))],
  ])('%s', (_name, work) => {
    expect(elapsedMs(work)).toBeLessThan(1_000);
  });

  it('keeps their meaning', () => {
    expect(normalizeSpeech("  -- Mm-hmm, don't   'go' --on-- ")).toBe("mm-hmm don't go on");
    expect(renderTemplate('Hello {{name}} ,  see\tyou {day} !', { name: 'Asha', day: 'Monday' })).toBe('Hello Asha, see you Monday!');
    expect(normalizeColumnName('CustomerName')).toBe('customer_name');
    expect(normalizeColumnName('x'.repeat(300))).toBeNull();
  });
});
