import { endsWithQuestion, findVoicemailKeywords, normalizeTranscript } from '../../domain/voicemail/transcript-keywords';

const phrases = (text: string): string[] => findVoicemailKeywords(text).map((keyword) => `${keyword.phrase} (${keyword.strength})`);

describe('voicemail keywords in transcripts', () => {
  it.each([
    ["Hi, you've reached Priya. Please leave a message after the beep.", ['leave a message (strong)', "you've reached (strong)", 'after the beep (strong)']],
    ['Please record your message after the tone', ['record your message (strong)', 'after the tone (strong)']],
    ['You have reached the voicemail of Arjun.', ['voicemail (strong)', 'you have reached (strong)']],
    ['The person you are calling is not available', ['the person you are calling (strong)', 'not available (weak)']],
    ["I can't take your call right now", ["i can't take your call (strong)"]],
    ['He is not available right now, can I take a message?', ['not available (weak)']],
    ["She's unavailable at the moment. Who's calling?", ['unavailable (weak)']],
    ["He can't take your call right now", []],
    ['Hello? Who is this?', []],
    ['Do you want the mailbox number?', ['mailbox (strong)']],
    // Whole words only: "voicemails" is not "voicemail", "unavailable" is not "available".
    ['I deleted all my voicemails', []],
    ['Kripya beep ke baad apna sandesh chhodiye', ['sandesh chhodiye (strong)', 'beep ke baad (strong)']],
    ['Woh abhi vyast hain, uplabdh nahi hain', ['uplabdh nahi (weak)', 'abhi vyast (weak)']],
    ['आप जिस व्यक्ति को कॉल कर रहे हैं, वह अभी उपलब्ध नहीं हैं।', ['आप जिस व्यक्ति (strong)', 'उपलब्ध नहीं (weak)']],
    ['कृपया बीप के बाद अपना संदेश छोड़िए।', ['संदेश छोड़िए (strong)', 'बीप के बाद (strong)']],
    ['कृपया संदेश छोड़ें', ['कृपया संदेश (strong)', 'संदेश छोड़ें (strong)']],
  ])('%s', (text, expected) => {
    expect(phrases(text)).toEqual(expected);
  });

  it('normalizes case, apostrophes, punctuation and Devanagari nukta spellings', () => {
    expect(normalizeTranscript("  You’ve REACHED... Priya!! ")).toBe('youve reached priya');
    // ड़ typed as one code point (U+095C) and as ड + nukta match alike.
    expect(normalizeTranscript('छो\u095Cिए')).toBe(normalizeTranscript('छो\u0921\u093Cिए'));
    expect(findVoicemailKeywords('संदेश छो\u095Cिए').map((keyword) => keyword.phrase)).toEqual(['संदेश छोड़िए']);
  });

  it.each([
    ['Who is this?', true],
    ['Can I take a message? ', true],
    ['Please leave a message.', false],
    ['Hello', false],
  ])('question: %s → %s', (text, question) => {
    expect(endsWithQuestion(text)).toBe(question);
  });
});
