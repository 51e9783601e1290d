/**
 * Phrases of voicemail greetings, in English, romanized Hindi (Hinglish, as speech-to-text writes it)
 * and Devanagari. Strong phrases are what only a recording says ("after the beep"); weak ones are what a
 * person also says about someone else ("he is not available"), which is why a weak phrase is worth little.
 */
export type KeywordStrength = 'strong' | 'weak';

export interface VoicemailKeyword {
  phrase: string;
  strength: KeywordStrength;
}

const STRONG = [
  'leave a message',
  'leave your message',
  'leave me a message',
  'leave your name',
  'record your message',
  'voicemail',
  'voice mail',
  'mailbox',
  "you've reached",
  'you have reached',
  // First person only: "he can't take your call" is what a colleague says.
  "i can't take your call",
  'i cannot take your call',
  "i'm unable to take your call",
  'i am unable to take your call',
  "i'm not available to take your call",
  'i am not available to take your call',
  // Carriers' and voicemail systems' third person: nobody on the line calls themselves "the person you are calling".
  'the person you are calling',
  'the person you have called',
  'the number you are calling',
  'the number you have dialled',
  'the number you have dialed',
  'the subscriber you',
  'aap jis vyakti',
  'aap jis number',
  'आप जिस व्यक्ति',
  // What only a recording says of itself or its owner.
  'come to the phone',
  'missed your call',
  'sorry i missed you',
  'फ़ोन नहीं उठा',
  'फोन नहीं उठा',
  'आप जिस नंबर',
  'sandesh chhodiye',
  'sandesh chodiye',
  'sandesh chhodein',
  'sandesh chhod',
  'कृपया संदेश',
  'संदेश छोड़िए',
  'संदेश छोड़ें',
];

/** Also strong: the greeting promises a beep. */
const ANNOUNCING_BEEP = [
  'after the beep',
  'after the tone',
  'at the tone',
  'after the signal',
  'at the signal',
  'beep ke baad',
  'tone ke baad',
  'बीप के बाद',
  'टोन के बाद',
];

const WEAK = [
  'not available',
  'unavailable',
  'away from my phone',
  'call you back',
  'get back to you',
  'uplabdh nahi',
  'upalabdh nahi',
  'uplabdh nahin',
  'abhi vyast',
  'उपलब्ध नहीं',
  'अभी व्यस्त',
];

/**
 * What a person answering for someone else says, and a greeting never does: an offer to pass a
 * message on, or to be the one spoken to.
 */
const HUMAN_PHRASES = [
  'take a message',
  'with me',
  'i will tell him',
  'i will tell her',
  'ill tell him',
  'ill tell her',
  'can i help',
  'मुझे संदेश',
  'मुझे बता',
  'mujhe bata',
];

/**
 * Lower case, Unicode NFC (so a Devanagari nukta letter matches however it was typed), apostrophes
 * dropped ("you've" → "youve"), every other punctuation mark a space, single spaces.
 */
export function normalizeTranscript(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/['’‘`]/gu, '')
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ')
    .trim();
}

export const VOICEMAIL_KEYWORDS: readonly VoicemailKeyword[] = [
  ...[...STRONG, ...ANNOUNCING_BEEP].map((phrase) => ({ phrase, strength: 'strong' as const })),
  ...WEAK.map((phrase) => ({ phrase, strength: 'weak' as const })),
];

const NORMALIZED = VOICEMAIL_KEYWORDS.map((keyword) => ({ keyword, words: ` ${normalizeTranscript(keyword.phrase)} ` }));

/** Every keyword the text contains as whole words, in the list's order. */
export function findVoicemailKeywords(text: string): VoicemailKeyword[] {
  const padded = ` ${normalizeTranscript(text)} `;
  return NORMALIZED.filter(({ words }) => padded.includes(words)).map(({ keyword }) => keyword);
}

const NORMALIZED_HUMAN = HUMAN_PHRASES.map((phrase) => ({ phrase, words: ` ${normalizeTranscript(phrase)} ` }));

/** Every phrase of a person speaking for someone else that the text contains, as whole words. */
export function findHumanPhrases(text: string): string[] {
  const padded = ` ${normalizeTranscript(text)} `;
  return NORMALIZED_HUMAN.filter(({ words }) => padded.includes(words)).map(({ phrase }) => phrase);
}

/** Whether the caller asked something: speech-to-text punctuation ends a question with "?". */
export function endsWithQuestion(text: string): boolean {
  return /[?？]\s*$/u.test(text);
}
