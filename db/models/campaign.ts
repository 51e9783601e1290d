import { DEFAULT_ORG_ID } from '../../domain/access-control';
import { Schema, model, type InferSchemaType } from 'mongoose';
import { CAMPAIGN_STATUSES } from '../../domain/campaign-types';
import { PRIORITIES } from '../../domain/priority';
import { businessHoursSchema } from './business-hours';

/**
 * A batch of calls (bulk JSON or CSV). Its contacts live in their own collection so the campaign
 * workflow can read them page by page; this record carries the settings and the progress counters.
 */
const rowErrorSchema = new Schema(
  {
    line: { type: Number, required: true },
    field: { type: String, default: null },
    code: { type: String, required: true },
    message: { type: String, required: true },
  },
  { _id: false },
);

const campaignSchema = new Schema(
  {
    /** The organization that owns the record; every API query is scoped by it (docs/security.md). */
    orgId: { type: String, required: true, default: DEFAULT_ORG_ID },
    _id: { type: String, required: true },
    name: { type: String, required: true },
    /** The default agent, for contacts that name none. */
    agentId: { type: String, default: null },
    source: { type: String, enum: ['json', 'csv'], required: true },
    status: { type: String, enum: CAMPAIGN_STATUSES, default: 'importing' },
    priority: { type: String, enum: PRIORITIES, default: 'medium' },
    throttle: {
      maxConcurrent: { type: Number, default: 5, min: 1 },
      delayBetweenCallsMs: { type: Number, default: 0, min: 0 },
    },
    scheduledFor: { type: Date, default: null },
    businessHours: { type: businessHoursSchema, default: null },
    workflowId: { type: String, required: true },
    /** Written by the campaign workflow in batches; its query is fresher while it runs. */
    progress: {
      total: { type: Number, default: 0 },
      dispatched: { type: Number, default: 0 },
      finished: { type: Number, default: 0 },
      inFlight: { type: Number, default: 0 },
      waiting: { type: Number, default: 0 },
      cancelledBeforeDispatch: { type: Number, default: 0 },
      outcomes: { type: Map, of: Number, default: {} },
    },
    /** Rows the import refused, and how many (the list keeps the first few hundred). */
    rowErrorCount: { type: Number, default: 0 },
    retryPolicy: { type: Schema.Types.Mixed, default: null },
    timezone: { type: String, default: null },
    idempotencyKey: { type: String, default: null },
    startedAt: { type: Date, default: null },
    rowErrors: { type: [rowErrorSchema], default: [] },
    completedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'campaigns', minimize: false },
);

campaignSchema.index({ status: 1, createdAt: -1 });
campaignSchema.index({ agentId: 1, createdAt: -1 });
campaignSchema.index({ orgId: 1, createdAt: -1 });

export type CampaignRecord = InferSchemaType<typeof campaignSchema>;
export const Campaign = model('Campaign', campaignSchema);
