import { CallLog } from '../../db/models/call-log';
import type { AnalyticsQuery } from '../../domain/api-schemas/analytics';
import { billedMinutes, costPerCall, estimateCost, type CostPrices } from '../../domain/analytics/cost';
import { roundTo } from '../../domain/analytics/ratios';
import { botCharactersByProvider, transcriptUsage, type UsageTurn } from '../../domain/analytics/transcript-usage';
import { attemptsMatch, firstAttemptsMatch } from './analytics-filter';
import { connectedDurations } from './calls';

async function connectedTime(filter: AnalyticsQuery) {
  let attempts = 0;
  let seconds = 0;
  let minutes = 0;
  for await (const row of connectedDurations(filter)) {
    attempts += 1;
    seconds += row.timings.durationSec;
    minutes += billedMinutes(row.timings.durationSec);
  }
  return { attempts, seconds, minutes };
}

/** Only the words and the reply turn numbers are read: FerretDB cannot measure strings (`$strLenCP`). */
async function speechUsage(filter: AnalyticsQuery) {
  let ttsCharacters = 0;
  const byProvider = { deepgram: 0, elevenlabs: 0 };
  let llmTokens = 0;
  const rows = CallLog.find(
    { ...attemptsMatch(filter), 'transcript.speaker': 'bot' },
    { _id: 0, 'transcript.turn': 1, 'transcript.speaker': 1, 'transcript.text': 1, 'transcript.tts.provider': 1, 'latency.turn': 1 },
  )
    .lean<{ transcript: UsageTurn[]; latency?: { turn: number }[] }>()
    .cursor({ batchSize: 200 });
  for await (const row of rows) {
    const usage = transcriptUsage(row.transcript, (row.latency ?? []).map((entry) => entry.turn));
    ttsCharacters += usage.botCharacters;
    llmTokens += usage.llmTokens;
    const spoken = botCharactersByProvider(row.transcript);
    byProvider.deepgram += spoken.deepgram;
    byProvider.elevenlabs += spoken.elevenlabs;
  }
  return { ttsCharacters, byProvider, llmTokens };
}

/** The estimate from unit prices and what the call logs record; docs/analytics.md gives the formula. */
export async function estimateCostFor(filter: AnalyticsQuery, prices: CostPrices) {
  const [logicalCalls, dialAttempts, connected, speech] = await Promise.all([
    CallLog.countDocuments(firstAttemptsMatch(filter)),
    CallLog.countDocuments({ ...attemptsMatch(filter), 'timings.dialedAt': { $exists: true } }),
    connectedTime(filter),
    speechUsage(filter),
  ]);
  const cost = estimateCost(
    { dialAttempts, billedMinutes: connected.minutes, connectedSeconds: connected.seconds, ttsCharacters: speech.byProvider, llmTokens: speech.llmTokens },
    prices,
  );
  return {
    currency: prices.currency,
    logicalCalls,
    usage: {
      dialAttempts,
      connectedAttempts: connected.attempts,
      connectedSeconds: roundTo(connected.seconds, 2),
      billedMinutes: connected.minutes,
      ttsCharacters: speech.ttsCharacters,
      ttsCharactersByProvider: speech.byProvider,
      llmTokensEstimated: speech.llmTokens,
    },
    cost,
    perCallAverage: costPerCall(cost.total, logicalCalls),
  };
}
