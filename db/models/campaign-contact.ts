import { Schema, model, type InferSchemaType } from 'mongoose';

/** One contact of a campaign, numbered by `seq` so the workflow can page through them in order. */
const campaignContactSchema = new Schema(
  {
    campaignId: { type: String, required: true },
    seq: { type: Number, required: true, min: 0 },
    line: { type: Number, default: null },
    phoneNumber: { type: String, required: true },
    phoneLast4: { type: String, required: true },
    variables: { type: Map, of: String, default: {} },
    callId: { type: String, default: null },
    status: {
      type: String,
      enum: ['pending', 'dispatched', 'completed', 'failed', 'cancelled'],
      default: 'pending',
    },
    outcome: { type: String, default: null },
  },
  { timestamps: true, collection: 'campaign_contacts' },
);

campaignContactSchema.index({ campaignId: 1, seq: 1 }, { unique: true });
campaignContactSchema.index({ campaignId: 1, phoneNumber: 1 }, { unique: true });
campaignContactSchema.index({ campaignId: 1, status: 1 });

export type CampaignContactRecord = InferSchemaType<typeof campaignContactSchema>;
export const CampaignContact = model('CampaignContact', campaignContactSchema);
