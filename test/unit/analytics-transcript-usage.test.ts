import { botCharactersByProvider, transcriptUsage, type UsageTurn } from '../../domain/analytics/transcript-usage';

const bot = (turn: number, text: string): UsageTurn => ({ turn, speaker: 'bot', text });
const caller = (turn: number, text: string): UsageTurn => ({ turn, speaker: 'caller', text });

describe('transcriptUsage', () => {
  it.each<[string, UsageTurn[], number[], number, number]>([
    ['no turns', [], [], 0, 0],
    ['only a greeting: spoken, never sent to the model', [bot(1, 'Hello there!')], [], 12, 0],
    // Reply at turn 3 sees 8 + 4 + 6 = 18 characters → ceil(18 / 4) = 5 tokens.
    ['one reply', [bot(1, 'Hi, Asha'), caller(2, 'Yes?'), bot(3, 'Thanks')], [3], 14, 5],
    // Reply 3 sees 4 + 4 + 4 = 12 → 3; reply 5 sees 12 + 8 + 8 = 28 → 7.
    [
      'two replies: each sees the whole conversation so far',
      [bot(1, 'abcd'), caller(2, 'efgh'), bot(3, 'ijkl'), caller(4, 'mnopqrst'), bot(5, 'uvwxyz12')],
      [3, 5],
      16,
      10,
    ],
    // Turns arrive out of order; the reply at turn 3 still sees turns 1-3: 2 + 3 + 1 = 6 → 2.
    ['turns out of order are ordered by number', [bot(3, 'c'), caller(2, 'bbb'), bot(1, 'aa')], [3], 3, 2],
    ['a latency entry for a caller turn counts nothing', [caller(1, 'hello')], [1], 0, 0],
  ])('%s', (_name, turns, replies, botCharacters, llmTokens) => {
    expect(transcriptUsage(turns, replies)).toEqual({ botCharacters, llmTokens });
  });
});

describe('botCharactersByProvider', () => {
  it.each<[string, UsageTurn[], { deepgram: number; elevenlabs: number }]>([
    ['no turns', [], { deepgram: 0, elevenlabs: 0 }],
    ['turns without a provider were Deepgram\'s', [bot(1, 'Hello.'), caller(2, 'Hi there.')], { deepgram: 6, elevenlabs: 0 }],
    [
      'each bot turn counts for its provider, caller turns for none',
      [
        { ...bot(1, 'Hello.'), tts: { provider: 'elevenlabs' } },
        caller(2, 'Who is this?'),
        { ...bot(3, 'Asha here.'), tts: { provider: 'deepgram' } },
        { ...bot(5, 'Bye.'), tts: null },
      ],
      { deepgram: 14, elevenlabs: 6 },
    ],
  ])('%s', (_name, turns, expected) => {
    expect(botCharactersByProvider(turns)).toEqual(expected);
  });
});
