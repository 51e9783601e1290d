import { normalizeTranscript } from './transcript-keywords';

/**
 * Operator and network announcements ("the number you have dialled is switched off"): the call was
 * answered by the network, not by the callee or their voicemail. Such an announcement says two
 * things, and both must be heard, because a person may say either alone ("his phone is switched off"):
 * - a condition of the line: switched off, not reachable, out of coverage, not in service, barred;
 * - the network's framing: it speaks of "the number" or "the subscriber" you called, in the third person.
 * English, romanized Hindi as speech-to-text writes it, and Devanagari.
 */
const CONDITIONS = [
  'switched off',
  'switch off',
  'not reachable',
  'unreachable',
  'out of coverage',
  'coverage area',
  'out of network',
  'not in service',
  'no longer in service',
  'does not exist',
  'is barred',
  'are barred',
  'been barred',
  'temporarily out of service',
  'cannot be reached',
  'band hai',
  'pahunch se bahar',
  'kshetra se bahar',
  'maujood nahi',
  'pratibandhit',
  'बंद है',
  'पहुँच से बाहर',
  'पहुंच से बाहर',
  'क्षेत्र से बाहर',
  'मौजूद नहीं',
  'प्रतिबंधित',
  'सेवा में नहीं',
];

const FRAMINGS = [
  'the number you',
  'this number',
  'the subscriber',
  'subscriber you',
  'the mobile number',
  'the person you are calling',
  'calls to this',
  'aap jis number',
  'yah number',
  'is number',
  'आप जिस नंबर',
  'यह नंबर',
  'इस नंबर',
];

const normalized = (phrases: string[]): string[] => phrases.map((phrase) => ` ${normalizeTranscript(phrase)} `);
const CONDITION_WORDS = normalized(CONDITIONS);
const FRAMING_WORDS = normalized(FRAMINGS);

export interface AnnouncementWords {
  conditions: string[];
  framings: string[];
}

/** The condition and framing phrases a transcript contains, as whole words. */
export function findAnnouncementWords(text: string): AnnouncementWords {
  const padded = ` ${normalizeTranscript(text)} `;
  return {
    conditions: CONDITIONS.filter((_phrase, i) => padded.includes(CONDITION_WORDS[i])),
    framings: FRAMINGS.filter((_phrase, i) => padded.includes(FRAMING_WORDS[i])),
  };
}

/** Whether what the caller side said, taken together, is an operator announcement. */
export function isOperatorAnnouncement(words: AnnouncementWords): boolean {
  return words.conditions.length > 0 && words.framings.length > 0;
}
