import { billedMinutes, costPerCall, costPricesOf, estimateCost, type CostPrices, type CostUsage } from '../../domain/analytics/cost';
import { parseConfig } from '../../domain/config';
import { generateSecrets } from '../../lib/generated-secrets';

const prices: CostPrices = {
  currency: 'INR',
  telephonyPerMinute: 0.6,
  perDialAttempt: 0.1,
  sttPerMinute: 0.36,
  ttsPer1kChars: { deepgram: 1.25, elevenlabs: 5 },
  llmPer1kTokens: 0.05,
};
const none: CostUsage = { dialAttempts: 0, billedMinutes: 0, connectedSeconds: 0, ttsCharacters: { deepgram: 0, elevenlabs: 0 }, llmTokens: 0 };
const noTts = { ttsByProvider: { deepgram: 0, elevenlabs: 0 } };

describe('billedMinutes (every started minute)', () => {
  it.each<[number, number]>([
    [0, 0],
    [-5, 0],
    [1, 1],
    [59.5, 1],
    [60, 1],
    [61, 2],
    [150, 3],
  ])('%d s → %i', (seconds, minutes) => {
    expect(billedMinutes(seconds)).toBe(minutes);
  });
});

describe('estimateCost', () => {
  it.each<[string, Partial<CostUsage>, Record<string, unknown>]>([
    ['nothing used costs nothing', {}, { telephony: 0, dialAttempts: 0, stt: 0, tts: 0, llm: 0, total: 0 }],
    ['telephony per billed minute', { billedMinutes: 3 }, { telephony: 1.8, total: 1.8 }],
    ['per dial attempt', { dialAttempts: 4 }, { dialAttempts: 0.4, total: 0.4 }],
    ['speech-to-text per exact minute', { connectedSeconds: 90 }, { stt: 0.54, total: 0.54 }],
    ['Deepgram per 1k characters', { ttsCharacters: { deepgram: 2400, elevenlabs: 0 } }, { tts: 3, ttsByProvider: { deepgram: 3, elevenlabs: 0 }, total: 3 }],
    ['ElevenLabs at its own price', { ttsCharacters: { deepgram: 0, elevenlabs: 600 } }, { tts: 3, ttsByProvider: { deepgram: 0, elevenlabs: 3 }, total: 3 }],
    ['both providers, summed', { ttsCharacters: { deepgram: 800, elevenlabs: 200 } }, { tts: 2, ttsByProvider: { deepgram: 1, elevenlabs: 1 }, total: 2 }],
    ['model per 1k tokens, kept to four decimals', { llmTokens: 123 }, { llm: 0.0062, total: 0.0062 }],
    [
      'all together',
      { dialAttempts: 2, billedMinutes: 2, connectedSeconds: 75, ttsCharacters: { deepgram: 200, elevenlabs: 0 }, llmTokens: 1000 },
      // 1.2 + 0.2 + 0.45 + 0.25 + 0.05
      { telephony: 1.2, dialAttempts: 0.2, stt: 0.45, tts: 0.25, ttsByProvider: { deepgram: 0.25, elevenlabs: 0 }, llm: 0.05, total: 2.15 },
    ],
  ])('%s', (_name, usage, expected) => {
    expect(estimateCost({ ...none, ...usage }, prices)).toEqual({ telephony: 0, dialAttempts: 0, stt: 0, tts: 0, llm: 0, total: 0, ...noTts, ...expected });
  });
});

describe('costPerCall', () => {
  it.each<[number, number, number]>([
    [0, 0, 0],
    [5, 0, 0],
    [2.15, 2, 1.075],
    [1, 3, 0.3333],
  ])('%d over %i calls → %d', (total, calls, expected) => {
    expect(costPerCall(total, calls)).toBe(expected);
  });
});

describe('costPricesOf', () => {
  it('reads the unit prices from the configuration', () => {
    const config = parseConfig({ ...generateSecrets(), COST_CURRENCY: 'USD', COST_TELEPHONY_PER_MINUTE: '0.01', COST_PER_DIAL_ATTEMPT: '0.002', COST_STT_PER_MINUTE: '0.0043', COST_TTS_PER_1K_CHARS: '0.015', COST_ELEVENLABS_TTS_PER_1K_CHARS: '0.06', COST_LLM_PER_1K_TOKENS: '0.0006' });
    expect(costPricesOf(config)).toEqual({
      currency: 'USD',
      telephonyPerMinute: 0.01,
      perDialAttempt: 0.002,
      sttPerMinute: 0.0043,
      ttsPer1kChars: { deepgram: 0.015, elevenlabs: 0.06 },
      llmPer1kTokens: 0.0006,
    });
  });
});
