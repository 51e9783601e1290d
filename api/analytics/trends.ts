import { CallLog } from '../../db/models/call-log';
import type { TrendsQuery } from '../../domain/api-schemas/analytics';
import { isFinished, logicalOutcome } from '../../domain/analytics/logical-outcome';
import { mean, rate, roundTo } from '../../domain/analytics/ratios';
import { bucketBoundaries, bucketIndex } from '../../domain/analytics/time-buckets';
import type { CallStatus } from '../../domain/call-status';
import { attemptsMatch } from './analytics-filter';

interface TrendRow {
  createdAt: Date;
  status: CallStatus;
  finalStatus?: CallStatus | null;
  attempt: number;
  timings?: { durationSec?: number | null };
  latency?: { voiceToVoiceMs?: number }[];
}

/**
 * Attempts per time bucket, bucketed here from `createdAt`: FerretDB has no date operators
 * (`$dateTrunc`, `$dateToString`) and CallLog stores no bucket key. Only the few fields a bucket
 * needs are read; every bucket of the period is listed, empty ones with zeros. The success rate is
 * that of the logical calls begun in the bucket (completed over finished, as in the call stats); the
 * durations are the talk time of its attempts.
 */
export async function loadTrendsReport(query: TrendsQuery) {
  const bounds = bucketBoundaries(query.from, query.to, query.bucket);
  const buckets = bounds.map((bound) => ({
    ...bound,
    attempts: 0,
    completed: 0,
    failed: 0,
    voicemail: 0,
    retries: 0,
    calls: 0,
    finishedCalls: 0,
    succeededCalls: 0,
    durationTotal: 0,
    durationSamples: 0,
    voiceToVoiceTotal: 0,
    voiceToVoiceSamples: 0,
  }));
  const fields = { _id: 0, createdAt: 1, status: 1, finalStatus: 1, attempt: 1, 'timings.durationSec': 1, 'latency.voiceToVoiceMs': 1 };
  const rows = CallLog.find(attemptsMatch(query), fields)
    .lean<TrendRow>()
    .cursor({ batchSize: 1000 });
  const firstStart = buckets[0]?.start;
  for await (const row of rows) {
    const bucket = firstStart && buckets[bucketIndex(row.createdAt, firstStart, query.bucket)];
    if (!bucket) continue;
    bucket.attempts += 1;
    if (row.status === 'completed' || row.status === 'failed' || row.status === 'voicemail') bucket[row.status] += 1;
    if (row.attempt > 1) bucket.retries += 1;
    else {
      const outcome = logicalOutcome(row.status, row.finalStatus ?? null);
      bucket.calls += 1;
      if (isFinished(outcome)) bucket.finishedCalls += 1;
      if (outcome === 'completed') bucket.succeededCalls += 1;
    }
    if (typeof row.timings?.durationSec === 'number') {
      bucket.durationTotal += row.timings.durationSec;
      bucket.durationSamples += 1;
    }
    for (const turn of row.latency ?? []) {
      if (typeof turn.voiceToVoiceMs !== 'number') continue;
      bucket.voiceToVoiceTotal += turn.voiceToVoiceMs;
      bucket.voiceToVoiceSamples += 1;
    }
  }
  return {
    bucket: query.bucket,
    buckets: buckets.map(({ start, end, voiceToVoiceTotal, voiceToVoiceSamples, finishedCalls, succeededCalls, durationTotal, durationSamples, ...counts }) => ({
      start: start.toISOString(),
      end: end.toISOString(),
      ...counts,
      successRate: rate(succeededCalls, finishedCalls),
      totalDurationSec: roundTo(durationTotal, 2),
      meanDurationSec: mean(durationTotal, durationSamples),
      meanVoiceToVoiceMs: mean(voiceToVoiceTotal, voiceToVoiceSamples),
    })),
  };
}
