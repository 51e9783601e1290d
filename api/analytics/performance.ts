import { CallLog } from '../../db/models/call-log';
import type { AnalyticsQuery } from '../../domain/api-schemas/analytics';
import { histogram } from '../../domain/analytics/histogram';
import { percentiles } from '../../domain/analytics/percentiles';
import { attemptsMatch } from './analytics-filter';

export const LATENCY_STAGES = ['sttFinalMs', 'llmFirstTokenMs', 'ttsFirstByteMs', 'voiceToVoiceMs'] as const;
export type LatencyStage = (typeof LATENCY_STAGES)[number];

const PERCENTILES = [50, 90, 95, 99] as const;
/** Voice-to-voice histogram: 100 ms bins up to 3 s, the last bin open (a 1 s target sits mid-axis). */
const V2V_BIN_MS = 100;
const V2V_BINS = 31;

type TurnRow = { latency: Partial<Record<LatencyStage, number>> };

/**
 * The per-turn latency figures of the period's attempts, one row per turn (`$unwind`) with only the
 * requested stages projected, so no transcript or metadata leaves the database. `_id` stays in every
 * stage: FerretDB 1.24's `$unwind` panics on documents without one, and the panic stops the server.
 */
export async function latencySamples<S extends LatencyStage>(filter: AnalyticsQuery, stages: readonly S[]): Promise<Record<S, number[]>> {
  const samples = Object.fromEntries(stages.map((stage) => [stage, [] as number[]])) as Record<S, number[]>;
  const rows = CallLog.aggregate<TurnRow>([
    { $match: { ...attemptsMatch(filter), 'latency.turn': { $exists: true } } },
    { $project: { latency: 1 } },
    { $unwind: '$latency' },
    { $project: Object.fromEntries(stages.map((stage) => [`latency.${stage}`, 1])) },
  ]).cursor({ batchSize: 1000 });
  for await (const row of rows) {
    for (const stage of stages) {
      const value = row.latency[stage];
      if (typeof value === 'number') samples[stage].push(value);
    }
  }
  return samples;
}

/** How long each matched attempt's greeting took to its first audio frame, as the media server recorded it. */
export async function greetingFirstFrames(filter: AnalyticsQuery): Promise<number[]> {
  const samples: number[] = [];
  const rows = CallLog.find({ ...attemptsMatch(filter), 'greeting.firstFrameMs': { $exists: true } }, { _id: 0, 'greeting.firstFrameMs': 1 })
    .lean<{ greeting: { firstFrameMs: number } }>()
    .cursor({ batchSize: 1000 });
  for await (const row of rows) samples.push(row.greeting.firstFrameMs);
  return samples;
}

function summary(samples: number[]) {
  return { samples: samples.length, ...percentiles(samples, PERCENTILES) };
}

export async function loadPerformanceReport(filter: AnalyticsQuery) {
  const [turns, greeting] = await Promise.all([latencySamples(filter, LATENCY_STAGES), greetingFirstFrames(filter)]);
  return {
    stages: Object.fromEntries(LATENCY_STAGES.map((stage) => [stage, summary(turns[stage])])) as Record<LatencyStage, ReturnType<typeof summary>>,
    greetingFirstFrameMs: summary(greeting),
    voiceToVoiceHistogram: histogram(turns.voiceToVoiceMs, V2V_BIN_MS, V2V_BINS),
  };
}
