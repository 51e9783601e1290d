import { Counter, Histogram, type Metric } from 'prom-client';
import { failureReasonLabel } from '../../domain/failure-reason';

/**
 * What the general worker's record activities learn as they write a call's records (activities/records.ts):
 * attempts and calls ending, retries scheduled, how long a due attempt waited for its dial, and how
 * long an Exotel status callback took to reach the call's record. Counted after the write succeeded,
 * and only when the row shows the fact is new (its previous state, or an insert), so a retried
 * activity counts nothing twice; only the callback latency may be observed again on a retry.
 * The worker registers `callRecordMetrics` on its registry (workers/main.ts).
 */

const attemptsEnded = new Counter({
  name: 'ringline_call_attempts_ended_total',
  help: 'Call attempts that ended, by status and failure reason (none for a success)',
  labelNames: ['status', 'failure_reason'],
  registers: [],
});
const callsFinished = new Counter({
  name: 'ringline_calls_finished_total',
  help: 'Calls that reached their final outcome (after every retry), by status and failure reason (none for a success; <reason>_max_retries when retries ran out)',
  labelNames: ['status', 'failure_reason'],
  registers: [],
});
const retriesScheduled = new Counter({
  name: 'ringline_call_retries_scheduled_total',
  help: 'Retries scheduled after a failed attempt, by the failure reason that caused them',
  labelNames: ['failure_reason'],
  registers: [],
});
const dialDelay = new Histogram({
  name: 'ringline_dial_delay_seconds',
  help: "From the moment an attempt was due (it began waiting for a line: accepted by the API, its scheduled time or its retry backoff reached) to its dial request: the line gate's queue plus the workflow's own delay",
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800],
  registers: [],
});
const callbackToRecord = new Histogram({
  name: 'ringline_status_callback_to_record_seconds',
  help: "From the API receiving Exotel's status callback to the call's record showing the state it brought, by event (answered, terminal)",
  labelNames: ['event'],
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
  registers: [],
});

export const callRecordMetrics: Metric[] = [attemptsEnded, callsFinished, retriesScheduled, dialDelay, callbackToRecord];

export type StatusCallbackEvent = 'answered' | 'terminal';

export function countAttemptEnded(status: string, failureReason: string | null | undefined): void {
  attemptsEnded.inc({ status, failure_reason: failureReasonLabel(failureReason) });
}

export function countCallFinished(status: string, failureReason: string | null | undefined): void {
  callsFinished.inc({ status, failure_reason: failureReasonLabel(failureReason) });
}

export function countRetryScheduled(failureReason: string): void {
  retriesScheduled.inc({ failure_reason: failureReasonLabel(failureReason) });
}

/** Clocks of two machines can disagree: a negative span says nothing and is dropped. */
function observeSpan(histogram: Histogram, from: Date, to: Date, labels: Record<string, string> = {}): void {
  const seconds = (to.getTime() - from.getTime()) / 1000;
  if (Number.isFinite(seconds) && seconds >= 0) histogram.observe(labels, seconds);
}

export function observeDialDelay(dueAt: Date, dialedAt: Date): void {
  observeSpan(dialDelay, dueAt, dialedAt);
}

export function observeStatusCallbackToRecord(event: StatusCallbackEvent, receivedAt: Date, recordedAt: Date): void {
  observeSpan(callbackToRecord, receivedAt, recordedAt, { event });
}
