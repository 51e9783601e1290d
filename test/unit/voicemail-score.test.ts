import { isReadyToSpeak, type ReadinessFacts } from '../../domain/voicemail/ready-to-speak';
import { scoreVoicemail, VOICEMAIL_THRESHOLD, type VoicemailEvidence } from '../../domain/voicemail/voicemail-score';

const NOTHING: VoicemailEvidence = {
  beep: null,
  strongKeywords: [],
  weakKeywords: [],
  greetingLengthMs: 0,
  initialSilenceMs: 300,
  shortGreetingThenSilence: false,
  askedQuestion: false,
  interactiveReply: false,
  humanPhrases: [],
};
const BEEP = { startMs: 4000, endMs: 4500, frequencyHz: 1000, kind: 'single' as const, share: 0.98 };

describe('voicemail score', () => {
  it.each([
    ['nothing heard', 0, {}],
    ['a beep alone reaches the threshold', 0.6, { beep: BEEP }],
    ['one strong phrase', 0.35, { strongKeywords: ['leave a message'] }],
    ['keywords alone never reach it, however many', 0.5, { strongKeywords: ['leave a message', 'after the beep', 'voicemail'], weakKeywords: ['not available'] }],
    ['a long greeting alone', 0.3, { greetingLengthMs: 4000 }],
    ['a long greeting and a strong phrase: machine', 0.65, { greetingLengthMs: 2000, strongKeywords: ["you've reached"] }],
    ['a long greeting and two weak phrases: still a person speaking for someone else', 0.45, { greetingLengthMs: 2000, weakKeywords: ['not available', 'call you back'] }],
    ['one strong and two weak phrases', 0.5, { strongKeywords: ["you've reached"], weakKeywords: ['not available', 'call you back'] }],
    ['the known false positive: "he is not available", long, a question', 0.25, { greetingLengthMs: 3200, weakKeywords: ['not available'], askedQuestion: true }],
    ['the known false positive, before the question is heard', 0.45, { greetingLengthMs: 2000, weakKeywords: ['not available'] }],
    ['the known false positive, then an answer to the bot', 0.05, { greetingLengthMs: 3200, weakKeywords: ['not available'], interactiveReply: true }],
    ['a long initial silence is a hint only', 0.1, { initialSilenceMs: 3000 }],
    ['"Hello?" then silence', 0, { greetingLengthMs: 400, shortGreetingThenSilence: true }],
    ['a beep outweighs a reply to the bot', 0.85, { beep: BEEP, strongKeywords: ['leave a message'], greetingLengthMs: 3000, interactiveReply: true }],
    ['a person offering to take a message: long, a strong phrase, and their words', 0.35, { greetingLengthMs: 3000, strongKeywords: ['leave a message'], humanPhrases: ['with me'] }],
    ['everything at once is clamped to 1', 1, { beep: BEEP, strongKeywords: ['leave a message', 'after the beep'], greetingLengthMs: 4000 }],
  ] as [string, number, Partial<VoicemailEvidence>][])('%s → %s', (_case, score, evidence) => {
    expect(scoreVoicemail({ ...NOTHING, ...evidence }).score).toBe(score);
  });

  it('has its threshold at 0.6', () => {
    expect(VOICEMAIL_THRESHOLD).toBe(0.6);
  });

  it('explains itself, one reason per piece of evidence with its weight', () => {
    expect(scoreVoicemail({ ...NOTHING, beep: BEEP, strongKeywords: ['after the beep'], greetingLengthMs: 2100, askedQuestion: true }).reasons).toEqual([
      'beep 1000 Hz at 4000 ms (+0.60)',
      'keywords: after the beep (+0.35)',
      'greeting of 2100 ms (+0.30)',
      'asked a question (-0.20)',
    ]);
  });
});

describe('ready to speak (the voicemail message goes after the beep)', () => {
  const AFTER_GREETING: ReadinessFacts = {
    nowMs: 7000,
    lastSpeechEndMs: 6000,
    lastSoundEndMs: 6000,
    lastBeepEndMs: null,
    toneSounding: false,
  };

  it.each([
    ['right after a beep', true, { lastBeepEndMs: 6800, lastSoundEndMs: 6800, nowMs: 6820 }],
    ['never while a tone sounds', false, { lastBeepEndMs: 5000, toneSounding: true }],
    ['not when the caller spoke after the beep', false, { lastBeepEndMs: 5000, lastSpeechEndMs: 6500, lastSoundEndMs: 6500, nowMs: 6600 }],
    ['no beep: 400 ms of silence after the greeting', true, { nowMs: 6400 }],
    ['no beep: not before 400 ms', false, { nowMs: 6380 }],
    ['no beep: not once the greeting resumes', false, { nowMs: 6520, lastSpeechEndMs: 6500, lastSoundEndMs: 6500 }],
    ['no beep: not while a late beep sounds', false, { nowMs: 6700, lastSoundEndMs: 6700, toneSounding: true }],
    ['nothing heard at all', false, { lastSpeechEndMs: null, lastSoundEndMs: null }],
  ] as [string, boolean, Partial<ReadinessFacts>][])('%s → %s', (_case, ready, facts) => {
    expect(isReadyToSpeak({ ...AFTER_GREETING, ...facts })).toBe(ready);
  });
});
