import { Counter, type Metric } from 'prom-client';

/**
 * Deliveries of call outcomes to customers' own webhook endpoints, counted by the activity that makes
 * them (general worker). `failed`: one try did not get a 2xx (it will be tried again); `gave_up`: the
 * last try failed and the outcome will not be delivered.
 */
export const OUTCOME_WEBHOOK_DELIVERY_RESULTS = ['delivered', 'failed', 'gave_up'] as const;
export type OutcomeWebhookDeliveryResult = (typeof OUTCOME_WEBHOOK_DELIVERY_RESULTS)[number];

/** Event names come from the delivering code (`call.completed`, …); a malformed one (free text, a number) is `other`. */
const EVENT_NAME = /^[a-z][a-z0-9_.]{0,63}$/;

const deliveries = new Counter({
  name: 'ringline_outcome_webhook_deliveries_total',
  help: 'Outcome webhook delivery tries, by event and result (delivered, failed = will be tried again, gave_up = not delivered)',
  labelNames: ['event', 'result'],
  registers: [],
});

export const outcomeWebhookDeliveryMetrics: Metric[] = [deliveries];

export function countOutcomeWebhookDelivery(event: string, result: OutcomeWebhookDeliveryResult): void {
  deliveries.inc({ event: EVENT_NAME.test(event) ? event : 'other', result });
}
