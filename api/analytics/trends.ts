import { CallLog } from '../../db/models/call-log';
import type { TrendsQuery } from '../../domain/api-schemas/analytics';
import { mean } from '../../domain/analytics/ratios';
import { bucketBoundaries, bucketIndex } from '../../domain/analytics/time-buckets';
import type { CallStatus } from '../../domain/call-status';
import { attemptsMatch } from './analytics-filter';

interface TrendRow {
  createdAt: Date;
  status: CallStatus;
  attempt: number;
  latency?: { voiceToVoiceMs?: number }[];
}

/**
 * Attempts per time bucket, bucketed here from `createdAt`: FerretDB has no date operators
 * (`$dateTrunc`, `$dateToString`) and CallLog stores no bucket key. Only the few fields a bucket
 * needs are read; every bucket of the period is listed, empty ones with zeros.
 */
export async function loadTrendsReport(query: TrendsQuery) {
  const bounds = bucketBoundaries(query.from, query.to, query.bucket);
  const buckets = bounds.map((bound) => ({ ...bound, attempts: 0, completed: 0, failed: 0, voicemail: 0, retries: 0, voiceToVoiceTotal: 0, voiceToVoiceSamples: 0 }));
  const rows = CallLog.find(attemptsMatch(query), { _id: 0, createdAt: 1, status: 1, attempt: 1, 'latency.voiceToVoiceMs': 1 })
    .lean<TrendRow>()
    .cursor({ batchSize: 1000 });
  const firstStart = buckets[0]?.start;
  for await (const row of rows) {
    const bucket = firstStart && buckets[bucketIndex(row.createdAt, firstStart, query.bucket)];
    if (!bucket) continue;
    bucket.attempts += 1;
    if (row.status === 'completed' || row.status === 'failed' || row.status === 'voicemail') bucket[row.status] += 1;
    if (row.attempt > 1) bucket.retries += 1;
    for (const turn of row.latency ?? []) {
      if (typeof turn.voiceToVoiceMs !== 'number') continue;
      bucket.voiceToVoiceTotal += turn.voiceToVoiceMs;
      bucket.voiceToVoiceSamples += 1;
    }
  }
  return {
    bucket: query.bucket,
    buckets: buckets.map(({ start, end, voiceToVoiceTotal, voiceToVoiceSamples, ...counts }) => ({
      start: start.toISOString(),
      end: end.toISOString(),
      ...counts,
      meanVoiceToVoiceMs: mean(voiceToVoiceTotal, voiceToVoiceSamples),
    })),
  };
}
