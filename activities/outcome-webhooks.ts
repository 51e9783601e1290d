import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { OutcomeWebhookDelivery } from '../db/models/outcome-webhook-delivery';
import { OutcomeWebhookSettings } from '../db/models/outcome-webhook-settings';
import { signingSecretFor } from '../db/webhook-signing-secret';
import { withWriteRetry } from '../db/transient-write-error';
import { DEFAULT_ORG_ID } from '../domain/access-control';
import type { Config } from '../domain/config';
import {
  callEventData,
  callEventKey,
  campaignEventData,
  campaignEventKey,
  DELIVERY_RETRY,
  type CallEventFacts,
  type CampaignEventFacts,
  type DeliveryStatus,
  type OutcomeDelivery,
  type OutcomeEvent,
} from '../domain/outcome-webhooks';
import { callbackTargetPolicyOf, checkCallbackTarget } from '../lib/callback-target';
import { OUTCOME_SIGNATURE_HEADER, outcomeWebhookSignature } from '../lib/hmac-auth';
import { SecretSealer } from '../lib/sealed-secret';
import { outcomeEventSignal, outcomeWebhooksWorkflowId } from '../workflows/messages';
import { countOutcomeWebhookDelivery, type OutcomeWebhookDeliveryResult } from '../lib/business-metrics/outcome-webhook-deliveries';
import { outcomeWebhooksWorkflow } from '../workflows/outcome-webhooks';

/** How long an organization's default URL is reused before it is read again (per worker process). */
const DEFAULT_URL_TTL_MS = 5_000;

/** `evt_` and a hash of what identifies the outcome: every announcement of one outcome carries the same id. */
function eventId(key: string): string {
  return `evt_${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

export interface DeliveryResult {
  status: DeliveryStatus;
  statusCode?: number;
  error?: string;
  durationMs?: number;
}

/** A `retrying` try is a failure the metric counts as `failed` (tried again); a `failed` delivery is given up. */
const METRIC_RESULT: Readonly<Record<DeliveryResult['status'], OutcomeWebhookDeliveryResult>> = { retrying: 'failed', delivered: 'delivered', failed: 'gave_up' };

/** Where every delivery attempt's result is written down, once per attempt (an activity retry rewrites the same row). */
export async function recordDeliveryResult(delivery: OutcomeDelivery, attempt: number, result: DeliveryResult): Promise<void> {
  await withWriteRetry(() =>
    OutcomeWebhookDelivery.updateOne(
      { _id: `${delivery.event.id}:${attempt}` },
      {
        $set: {
          orgId: delivery.orgId,
          eventId: delivery.event.id,
          type: delivery.event.type,
          callId: delivery.callId ?? null,
          campaignId: delivery.campaignId ?? null,
          url: delivery.url,
          attempt,
          status: result.status,
          statusCode: result.statusCode ?? null,
          error: result.error ?? null,
          durationMs: result.durationMs ?? null,
          at: new Date(),
        },
      },
      { upsert: true },
    ),
  );
  countOutcomeWebhookDelivery(delivery.event.type, METRIC_RESULT[result.status]);
}

/**
 * Outcome webhooks: the call and campaign workflows announce an outcome here, which hands it to the
 * subject's delivery workflow (`outcome-webhooks-call-<callId>`, started on its first event) when there
 * is a URL to post to; that workflow posts each event with `deliverOutcomeEvent`, retried by Temporal
 * for up to a day.
 */
export function createOutcomeWebhookActivities(client: Client, config: Config) {
  const sealer = new SecretSealer(config);
  const policy = callbackTargetPolicyOf(config);
  const defaultUrls = new Map<string, { url: string | null; readAt: number }>();

  const defaultUrlOf = async (orgId: string): Promise<string | null> => {
    const cached = defaultUrls.get(orgId);
    if (cached && Date.now() - cached.readAt < DEFAULT_URL_TTL_MS) return cached.url;
    const row = await OutcomeWebhookSettings.findById(orgId, { url: 1, enabled: 1 }).lean();
    const url = row?.enabled && row.url ? row.url : null;
    defaultUrls.set(orgId, { url, readAt: Date.now() });
    return url;
  };

  const hand = async (subject: { callId: string } | { campaignId: string }, delivery: OutcomeDelivery): Promise<void> => {
    await client.workflow.signalWithStart(outcomeWebhooksWorkflow, {
      workflowId: outcomeWebhooksWorkflowId(subject),
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [],
      signal: outcomeEventSignal,
      signalArgs: [delivery],
    });
  };

  return {
    async announceCallEvent(facts: CallEventFacts): Promise<void> {
      const orgId = facts.orgId ?? DEFAULT_ORG_ID;
      const url = facts.callbackUrl ?? (await defaultUrlOf(orgId));
      if (!url) return;
      const event: OutcomeEvent = { id: eventId(callEventKey(facts)), type: facts.type, createdAt: facts.occurredAt, data: callEventData(facts) };
      await hand({ callId: facts.callId }, { orgId, url, event, callId: facts.callId, ...(facts.campaignId && { campaignId: facts.campaignId }) });
    },

    async announceCampaignFinished(facts: CampaignEventFacts): Promise<void> {
      const orgId = facts.orgId ?? DEFAULT_ORG_ID;
      const url = facts.callbackUrl ?? (await defaultUrlOf(orgId));
      if (!url) return;
      const event: OutcomeEvent = { id: eventId(campaignEventKey(facts.campaignId)), type: 'campaign.finished', createdAt: facts.occurredAt, data: campaignEventData(facts) };
      await hand({ campaignId: facts.campaignId }, { orgId, url, event, campaignId: facts.campaignId });
    },

    /** One POST of one event; any answer but 2xx (redirects included) fails the attempt, and Temporal retries it. */
    async deliverOutcomeEvent(delivery: OutcomeDelivery): Promise<void> {
      const { attempt } = Context.current().info;
      const target = await checkCallbackTarget(delivery.url, policy);
      if (!target.ok) {
        const error = `callback URL not allowed: ${target.reason}`;
        await recordDeliveryResult(delivery, attempt, { status: 'failed', error });
        throw ApplicationFailure.create({ type: 'CallbackUrlNotAllowed', message: error, nonRetryable: true });
      }
      const secret = await signingSecretFor(delivery.orgId, sealer);
      const body = JSON.stringify(delivery.event);
      const startedAt = Date.now();
      let statusCode: number;
      try {
        const response = await fetch(delivery.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Ringline-Webhooks/1',
            [OUTCOME_SIGNATURE_HEADER]: outcomeWebhookSignature(secret, body),
            'Ringline-Event-Id': delivery.event.id,
            'Ringline-Event-Type': delivery.event.type,
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(DELIVERY_RETRY.requestTimeoutMs),
        });
        statusCode = response.status;
        await response.body?.cancel();
      } catch (err) {
        const error = err instanceof Error ? (err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message) : String(err);
        await recordDeliveryResult(delivery, attempt, { status: 'retrying', error, durationMs: Date.now() - startedAt });
        throw ApplicationFailure.create({ type: 'WebhookDeliveryFailed', message: error });
      }
      const durationMs = Date.now() - startedAt;
      if (statusCode >= 200 && statusCode < 300) {
        await recordDeliveryResult(delivery, attempt, { status: 'delivered', statusCode, durationMs });
        return;
      }
      await recordDeliveryResult(delivery, attempt, { status: 'retrying', statusCode, durationMs });
      throw ApplicationFailure.create({ type: 'WebhookDeliveryFailed', message: `receiver answered ${statusCode}` });
    },

    /** The retries gave up: the event's last attempt is marked failed, which the deliveries route lists. */
    async recordDeliveryGivenUp(delivery: OutcomeDelivery): Promise<void> {
      const last = await OutcomeWebhookDelivery.findOne({ eventId: delivery.event.id }, { _id: 1 }).sort({ attempt: -1 }).lean();
      if (last) {
        await withWriteRetry(() => OutcomeWebhookDelivery.updateOne({ _id: last._id }, { $set: { status: 'failed' } }));
        return;
      }
      await recordDeliveryResult(delivery, 1, { status: 'failed', error: 'no delivery attempt could run' });
    },
  };
}

export type OutcomeWebhookActivities = ReturnType<typeof createOutcomeWebhookActivities>;
