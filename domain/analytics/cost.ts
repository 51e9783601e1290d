import type { Config } from '../config';
import type { TtsProvider } from '../speech/tts-provider';
import { roundTo } from './ratios';

export interface CostPrices {
  currency: string;
  telephonyPerMinute: number;
  perDialAttempt: number;
  sttPerMinute: number;
  /** Per 1,000 characters spoken, by provider. */
  ttsPer1kChars: Record<TtsProvider, number>;
  llmPer1kTokens: number;
}

export function costPricesOf(
  config: Pick<
    Config,
    'COST_CURRENCY' | 'COST_TELEPHONY_PER_MINUTE' | 'COST_PER_DIAL_ATTEMPT' | 'COST_STT_PER_MINUTE' | 'COST_TTS_PER_1K_CHARS' | 'COST_ELEVENLABS_TTS_PER_1K_CHARS' | 'COST_LLM_PER_1K_TOKENS'
  >,
): CostPrices {
  return {
    currency: config.COST_CURRENCY,
    telephonyPerMinute: config.COST_TELEPHONY_PER_MINUTE,
    perDialAttempt: config.COST_PER_DIAL_ATTEMPT,
    sttPerMinute: config.COST_STT_PER_MINUTE,
    ttsPer1kChars: { deepgram: config.COST_TTS_PER_1K_CHARS, elevenlabs: config.COST_ELEVENLABS_TTS_PER_1K_CHARS },
    llmPer1kTokens: config.COST_LLM_PER_1K_TOKENS,
  };
}

export interface CostUsage {
  dialAttempts: number;
  /** Sum over connected attempts of their started minutes: telephony bills a begun minute whole. */
  billedMinutes: number;
  connectedSeconds: number;
  /** Characters of bot turns, by the provider that spoke each turn. */
  ttsCharacters: Record<TtsProvider, number>;
  llmTokens: number;
}

export interface CostBreakdown {
  telephony: number;
  dialAttempts: number;
  stt: number;
  tts: number;
  /** `tts` split by provider. */
  ttsByProvider: Record<TtsProvider, number>;
  llm: number;
  total: number;
}

/** Money is kept to four decimals so that small unit prices (tokens, characters) stay visible. */
const MONEY_DIGITS = 4;

/** Started minutes of one connected attempt. */
export function billedMinutes(durationSec: number): number {
  return durationSec > 0 ? Math.ceil(durationSec / 60) : 0;
}

/**
 * Telephony bills each started minute, speech-to-text listens for the whole connected time and bills
 * by the second, text-to-speech (at each provider's price) and the model by volume; the parts are
 * summed before rounding.
 */
export function estimateCost(usage: CostUsage, prices: CostPrices): CostBreakdown {
  const parts = {
    telephony: usage.billedMinutes * prices.telephonyPerMinute,
    dialAttempts: usage.dialAttempts * prices.perDialAttempt,
    stt: (usage.connectedSeconds / 60) * prices.sttPerMinute,
    deepgram: (usage.ttsCharacters.deepgram / 1000) * prices.ttsPer1kChars.deepgram,
    elevenlabs: (usage.ttsCharacters.elevenlabs / 1000) * prices.ttsPer1kChars.elevenlabs,
    llm: (usage.llmTokens / 1000) * prices.llmPer1kTokens,
  };
  const tts = parts.deepgram + parts.elevenlabs;
  const total = parts.telephony + parts.dialAttempts + parts.stt + tts + parts.llm;
  return {
    telephony: roundTo(parts.telephony, MONEY_DIGITS),
    dialAttempts: roundTo(parts.dialAttempts, MONEY_DIGITS),
    stt: roundTo(parts.stt, MONEY_DIGITS),
    tts: roundTo(tts, MONEY_DIGITS),
    ttsByProvider: { deepgram: roundTo(parts.deepgram, MONEY_DIGITS), elevenlabs: roundTo(parts.elevenlabs, MONEY_DIGITS) },
    llm: roundTo(parts.llm, MONEY_DIGITS),
    total: roundTo(total, MONEY_DIGITS),
  };
}

/** The average over logical calls; 0 when there are none. */
export function costPerCall(total: number, logicalCalls: number): number {
  return logicalCalls > 0 ? roundTo(total / logicalCalls, MONEY_DIGITS) : 0;
}
