import { Schema, model, type InferSchemaType } from 'mongoose';
import { DELIVERY_STATUSES, OUTCOME_EVENT_TYPES } from '../../domain/outcome-webhooks';

/**
 * One attempt to deliver one outcome event (`_id` = `<eventId>:<attempt>`, so a retried write is an
 * upsert of the same row). `retrying` until an attempt is `delivered`; the last attempt of an event
 * whose retries gave up is marked `failed`.
 */
const outcomeWebhookDeliverySchema = new Schema(
  {
    _id: { type: String, required: true },
    orgId: { type: String, required: true },
    eventId: { type: String, required: true },
    type: { type: String, enum: OUTCOME_EVENT_TYPES, required: true },
    callId: { type: String, default: null },
    campaignId: { type: String, default: null },
    url: { type: String, required: true },
    attempt: { type: Number, required: true },
    status: { type: String, enum: DELIVERY_STATUSES, required: true },
    statusCode: { type: Number, default: null },
    error: { type: String, default: null },
    durationMs: { type: Number, default: null },
    at: { type: Date, required: true },
  },
  { collection: 'outcome_webhook_deliveries', versionKey: false },
);

outcomeWebhookDeliverySchema.index({ orgId: 1, callId: 1, at: 1 });
outcomeWebhookDeliverySchema.index({ orgId: 1, status: 1, at: -1 });

export type OutcomeWebhookDeliveryRecord = InferSchemaType<typeof outcomeWebhookDeliverySchema> & { _id: string };
export const OutcomeWebhookDelivery = model('OutcomeWebhookDelivery', outcomeWebhookDeliverySchema);
