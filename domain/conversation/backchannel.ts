import { normalizeSpeech, speechWords } from './spoken-text';

/**
 * Listener noises and acknowledgements ("mm-hmm", "ok", "haan ji") that tell the bot to go on, not
 * to stop: they never interrupt it. English and Hindi (Latin and Devanagari spellings), as callers in
 * India mix both.
 */
const BACKCHANNEL_WORDS = new Set([
  'mm', 'mmm', 'mhm', 'mm-hmm', 'mmhmm', 'hmm', 'hm', 'uh-huh', 'uhhuh', 'uh', 'um', 'ah', 'oh',
  'ok', 'okay', 'k', 'yes', 'yeah', 'yep', 'yup', 'right', 'sure', 'alright', 'fine', 'cool',
  'haan', 'han', 'haa', 'ha', 'ji', 'achha', 'acha', 'accha', 'theek', 'thik', 'hai',
  'हाँ', 'हां', 'जी', 'अच्छा', 'ठीक', 'है', 'हम्म',
]);

const BACKCHANNEL_PHRASES = ['i see', 'got it', 'go on', 'all right', 'uh huh', 'mm hmm'].map(
  (phrase) => new RegExp(`(?<=\\s)${phrase}(?=\\s)`, 'g'),
);

/** Longer runs of acknowledgements are rare; past this many words the caller is saying something. */
const MAX_BACKCHANNEL_WORDS = 4;

export function isBackchannel(text: string): boolean {
  let rest = ` ${normalizeSpeech(text)} `;
  for (const phrase of BACKCHANNEL_PHRASES) rest = rest.replace(phrase, ' ');
  const words = speechWords(rest);
  const total = speechWords(text).length;
  if (total === 0 || total > MAX_BACKCHANNEL_WORDS) return false;
  return words.every((word) => BACKCHANNEL_WORDS.has(word));
}
