import { Counter, type Metric } from 'prom-client';
import type { DialResult } from '../../domain/dial-result';
import { failureReasonLabel } from '../../domain/failure-reason';

/**
 * Dial requests the Exotel worker sent (activities/exotel.ts): `accepted` is a call placed, `unknown` a
 * request whose fate only Exotel's webhooks or reconciliation will tell. A number the organization's
 * do-not-call list holds is never sent and is not counted here (its attempt ends with reason `dnd`).
 */
const dialRequests = new Counter({
  name: 'ringline_dial_requests_total',
  help: 'Dial requests sent to Exotel, by result (accepted = call placed, rejected, unknown) and failure reason (none unless rejected)',
  labelNames: ['result', 'failure_reason'],
  registers: [],
});

export const dialRequestMetrics: Metric[] = [dialRequests];

export function countDialRequest(result: DialResult): void {
  dialRequests.inc({ result: result.outcome, failure_reason: failureReasonLabel(result.outcome === 'rejected' ? result.reason : null) });
}
