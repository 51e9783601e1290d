import { billedMinutes, costPerCall, costPricesOf, estimateCost, type CostPrices, type CostUsage } from '../../domain/analytics/cost';
import { parseConfig } from '../../domain/config';
import { generateSecrets } from '../../lib/generated-secrets';

const prices: CostPrices = {
  currency: 'INR',
  telephonyPerMinute: 0.6,
  perDialAttempt: 0.1,
  sttPerMinute: 0.36,
  ttsPer1kChars: 1.25,
  llmPer1kTokens: 0.05,
};
const none: CostUsage = { dialAttempts: 0, billedMinutes: 0, connectedSeconds: 0, ttsCharacters: 0, llmTokens: 0 };

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
  it.each<[string, Partial<CostUsage>, Record<string, number>]>([
    ['nothing used costs nothing', {}, { telephony: 0, dialAttempts: 0, stt: 0, tts: 0, llm: 0, total: 0 }],
    ['telephony per billed minute', { billedMinutes: 3 }, { telephony: 1.8, total: 1.8 }],
    ['per dial attempt', { dialAttempts: 4 }, { dialAttempts: 0.4, total: 0.4 }],
    ['speech-to-text per exact minute', { connectedSeconds: 90 }, { stt: 0.54, total: 0.54 }],
    ['text-to-speech per 1k characters', { ttsCharacters: 2400 }, { tts: 3, total: 3 }],
    ['model per 1k tokens, kept to four decimals', { llmTokens: 123 }, { llm: 0.0062, total: 0.0062 }],
    [
      'all together',
      { dialAttempts: 2, billedMinutes: 2, connectedSeconds: 75, ttsCharacters: 200, llmTokens: 1000 },
      // 1.2 + 0.2 + 0.45 + 0.25 + 0.05
      { telephony: 1.2, dialAttempts: 0.2, stt: 0.45, tts: 0.25, llm: 0.05, total: 2.15 },
    ],
  ])('%s', (_name, usage, expected) => {
    expect(estimateCost({ ...none, ...usage }, prices)).toEqual({ telephony: 0, dialAttempts: 0, stt: 0, tts: 0, llm: 0, total: 0, ...expected });
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
    const config = parseConfig({ ...generateSecrets(), COST_CURRENCY: 'USD', COST_TELEPHONY_PER_MINUTE: '0.01', COST_PER_DIAL_ATTEMPT: '0.002', COST_STT_PER_MINUTE: '0.0043', COST_TTS_PER_1K_CHARS: '0.015', COST_LLM_PER_1K_TOKENS: '0.0006' });
    expect(costPricesOf(config)).toEqual({ currency: 'USD', telephonyPerMinute: 0.01, perDialAttempt: 0.002, sttPerMinute: 0.0043, ttsPer1kChars: 0.015, llmPer1kTokens: 0.0006 });
  });
});
