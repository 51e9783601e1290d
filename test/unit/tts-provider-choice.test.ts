import { chooseTtsProvider, type TtsChoice, type TtsChoiceInput } from '../../domain/speech/tts-provider-choice';
import { turnSpeech, type SpokenBy, type TurnSpeech } from '../../domain/speech/tts-provider';

const base: TtsChoiceInput = {
  agentProvider: 'deepgram',
  priority: 'medium',
  metadata: {},
  rules: { priorities: ['high'], vip: true },
  elevenLabsAvailable: true,
};

describe('chooseTtsProvider', () => {
  const table: [string, Partial<TtsChoiceInput>, TtsChoice][] = [
    ['a plain call of a Deepgram agent', {}, { provider: 'deepgram', reason: 'default' }],
    ['an ElevenLabs agent', { agentProvider: 'elevenlabs' }, { provider: 'elevenlabs', reason: 'agent' }],
    ['a high-priority call', { priority: 'high' }, { provider: 'elevenlabs', reason: 'priority' }],
    ['a low-priority call', { priority: 'low' }, { provider: 'deepgram', reason: 'default' }],
    ['a VIP call', { metadata: { vip: true } }, { provider: 'elevenlabs', reason: 'vip' }],
    ['"vip" that is not true', { metadata: { vip: 'yes' } }, { provider: 'deepgram', reason: 'default' }],
    ['a VIP call with the VIP rule off', { metadata: { vip: true }, rules: { priorities: ['high'], vip: false } }, { provider: 'deepgram', reason: 'default' }],
    ['a high-priority call with no premium priorities', { priority: 'high', rules: { priorities: [], vip: true } }, { provider: 'deepgram', reason: 'default' }],
    ['medium listed as premium', { rules: { priorities: ['high', 'medium'], vip: true } }, { provider: 'elevenlabs', reason: 'priority' }],
    ['the call asks for ElevenLabs', { callRequest: 'elevenlabs' }, { provider: 'elevenlabs', reason: 'call_request' }],
    ['the call asks for Deepgram on an ElevenLabs agent', { callRequest: 'deepgram', agentProvider: 'elevenlabs' }, { provider: 'deepgram', reason: 'call_request' }],
    ['the call asks for Deepgram although VIP and high', { callRequest: 'deepgram', priority: 'high', metadata: { vip: true } }, { provider: 'deepgram', reason: 'call_request' }],
    ['an agent reason beats a rule reason', { agentProvider: 'elevenlabs', priority: 'high' }, { provider: 'elevenlabs', reason: 'agent' }],
    ['ElevenLabs agent without a key', { agentProvider: 'elevenlabs', elevenLabsAvailable: false }, { provider: 'deepgram', reason: 'elevenlabs_unavailable' }],
    ['VIP without a key', { metadata: { vip: true }, elevenLabsAvailable: false }, { provider: 'deepgram', reason: 'elevenlabs_unavailable' }],
    ['Deepgram without an ElevenLabs key', { elevenLabsAvailable: false }, { provider: 'deepgram', reason: 'default' }],
  ];

  it.each(table)('%s', (_name, input, expected) => {
    expect(chooseTtsProvider({ ...base, ...input })).toEqual(expected);
  });
});

describe('turnSpeech', () => {
  const eleven: SpokenBy = { provider: 'elevenlabs' };
  const limited: SpokenBy = { provider: 'deepgram', fallbackReason: 'concurrency_limit' };
  const failed: SpokenBy = { provider: 'deepgram', fallbackReason: 'provider_error' };
  const table: [string, { text: string; spokenBy?: SpokenBy }[], TurnSpeech | undefined][] = [
    ['no sentence says', [{ text: 'Hi.' }], undefined],
    ['one provider', [{ text: 'Hello there.', spokenBy: eleven }, { text: 'How are you?', spokenBy: eleven }], { provider: 'elevenlabs' }],
    ['all fell back', [{ text: 'Hello there.', spokenBy: limited }], { provider: 'deepgram', fallbackReason: 'concurrency_limit' }],
    ['most characters win, the fallback is still told', [{ text: 'Hi.', spokenBy: failed }, { text: 'This sentence is the longest.', spokenBy: eleven }], { provider: 'elevenlabs', fallbackReason: 'provider_error' }],
    ['a tie goes to the first sentence', [{ text: 'abc', spokenBy: limited }, { text: 'xyz', spokenBy: eleven }], { provider: 'deepgram', fallbackReason: 'concurrency_limit' }],
    ['the first fallback reason is kept', [{ text: 'one', spokenBy: limited }, { text: 'two', spokenBy: failed }], { provider: 'deepgram', fallbackReason: 'concurrency_limit' }],
  ];

  it.each(table)('%s', (_name, sentences, expected) => {
    expect(turnSpeech(sentences)).toEqual(expected);
  });
});
