import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * An organization's outcome webhook settings (`_id` = orgId): the default callback URL for calls and
 * campaigns that name none, and the signing secret of every webhook the organization receives, sealed
 * with PAYLOAD_KEYS (lib/sealed-secret.ts). The secret is shown once, when it is made or rotated.
 */
const outcomeWebhookSettingsSchema = new Schema(
  {
    _id: { type: String, required: true },
    url: { type: String, default: null },
    enabled: { type: Boolean, default: false },
    secret: {
      keyId: { type: String, required: true },
      sealed: { type: String, required: true },
    },
    /** `whsec_` and a few characters: enough to tell which secret a receiver holds, far too few to use it. */
    secretPrefix: { type: String, required: true },
    secretRotatedAt: { type: Date, required: true },
  },
  { timestamps: true, collection: 'outcome_webhook_settings', versionKey: false },
);

export type OutcomeWebhookSettingsRecord = InferSchemaType<typeof outcomeWebhookSettingsSchema> & { _id: string };
export const OutcomeWebhookSettings = model('OutcomeWebhookSettings', outcomeWebhookSettingsSchema);
