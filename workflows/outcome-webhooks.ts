import { condition, log, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { OutcomeWebhookActivities } from '../activities/outcome-webhooks';
import { DELIVERY_RETRY, type OutcomeDelivery } from '../domain/outcome-webhooks';
import { DATABASE_WRITE_OPTIONS } from './activity-options';
import { outcomeEventSignal } from './messages';

/** Each POST is one activity attempt; Temporal's retries are the webhook's backoff, and the schedule-to-close bound is when it gives up. */
const delivery = proxyActivities<OutcomeWebhookActivities>({
  startToCloseTimeout: DELIVERY_RETRY.requestTimeoutMs * 2,
  scheduleToCloseTimeout: DELIVERY_RETRY.giveUpAfterMs,
  retry: {
    initialInterval: DELIVERY_RETRY.initialIntervalMs,
    backoffCoefficient: DELIVERY_RETRY.backoffCoefficient,
    maximumInterval: DELIVERY_RETRY.maximumIntervalMs,
  },
});

const records = proxyLocalActivities<OutcomeWebhookActivities>(DATABASE_WRITE_OPTIONS);

/** How long the workflow waits for a call's next event before it ends; a later event starts it again. */
const IDLE_MS = 60_000;

/**
 * The outcome webhooks of one call or campaign (`outcome-webhooks-call-<callId>`,
 * `outcome-webhooks-campaign-<campaignId>`), started by the first event's signal: receive events →
 * post each in turn, retrying it for up to a day → record the ones that gave up → end when idle. One
 * event at a time is what keeps a call's events in order at the receiver. An event announced twice
 * (a retried announcement) is posted once.
 */
export async function outcomeWebhooksWorkflow(): Promise<void> {
  const queue: OutcomeDelivery[] = [];
  const seen = new Set<string>();
  setHandler(outcomeEventSignal, (event) => {
    if (seen.has(event.event.id)) return;
    seen.add(event.event.id);
    queue.push(event);
  });

  while (await condition(() => queue.length > 0, IDLE_MS)) {
    const next = queue.shift() as OutcomeDelivery;
    try {
      await delivery.deliverOutcomeEvent(next);
    } catch (err) {
      log.warn('outcome webhook gave up', { eventId: next.event.id, type: next.event.type, error: String(err) });
      await records.recordDeliveryGivenUp(next);
    }
  }
}
