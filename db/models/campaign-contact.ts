import { DEFAULT_ORG_ID } from '../../domain/access-control';
import { Schema, model, type InferSchemaType } from 'mongoose';
import { PRIORITIES } from '../../domain/priority';

/** pending → dispatched → the call's terminal status; `cancelled` also for contacts a cancel withdrew. */
export const CAMPAIGN_CONTACT_STATUSES = ['pending', 'dispatched', 'completed', 'voicemail', 'failed', 'cancelled'] as const;

/**
 * One contact of a campaign, numbered by `seq` so the workflow can page through them in order. Its id
 * is its call's id (`<campaignId>-<seq + 1>`): FerretDB's SQLite backend answers `_id` look-ups from
 * its key but scans the whole collection for any other filter, which at 10,000 contacts turned each
 * progress write into a 200 ms scan.
 */
const campaignContactSchema = new Schema(
  {
    /** The organization that owns the record; every API query is scoped by it (docs/security.md). */
    orgId: { type: String, required: true, default: DEFAULT_ORG_ID },
    _id: { type: String, required: true },
    campaignId: { type: String, required: true },
    seq: { type: Number, required: true, min: 0 },
    line: { type: Number, default: null },
    phoneNumber: { type: String, required: true },
    phoneLast4: { type: String, required: true },
    agentId: { type: String, required: true },
    /** The contact's own time (CSV `scheduled_time`); absent = as soon as the campaign reaches it. */
    scheduledFor: { type: Date, default: null },
    priority: { type: String, enum: [...PRIORITIES, null], default: null },
    timezone: { type: String, default: null },
    /** The zones the callee's legal calling window holds in (domain/calling-policy). */
    legalTimezones: { type: [String], default: [] },
    variables: { type: Map, of: String, default: {} },
    callId: { type: String, default: null },
    status: {
      type: String,
      enum: CAMPAIGN_CONTACT_STATUSES,
      default: 'pending',
    },
    failureReason: { type: String, default: null },
    attempts: { type: Number, default: 0 },
    /** When retention or an erasure cleared this record's personal data (docs/security.md). */
    personalDataPurgedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'campaign_contacts' },
);

campaignContactSchema.index({ campaignId: 1, seq: 1 }, { unique: true });
campaignContactSchema.index({ campaignId: 1, phoneNumber: 1 }, { unique: true });
campaignContactSchema.index({ campaignId: 1, status: 1 });

export type CampaignContactRecord = InferSchemaType<typeof campaignContactSchema>;
export const CampaignContact = model('CampaignContact', campaignContactSchema);
