import { Schema, model, type InferSchemaType } from 'mongoose';
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
    _id: { type: String, required: true },
    name: { type: String, required: true },
    agentId: { type: String, required: true },
    source: { type: String, enum: ['json', 'csv'], required: true },
    status: {
      type: String,
      enum: ['scheduled', 'running', 'paused', 'completed', 'cancelled'],
      default: 'scheduled',
    },
    priority: { type: String, enum: PRIORITIES, default: 'medium' },
    throttle: {
      maxConcurrent: { type: Number, default: 5, min: 1 },
      delayBetweenCallsMs: { type: Number, default: 0, min: 0 },
    },
    scheduledFor: { type: Date, default: null },
    businessHours: { type: businessHoursSchema, default: null },
    workflowId: { type: String, required: true },
    progress: {
      total: { type: Number, default: 0 },
      dispatched: { type: Number, default: 0 },
      processed: { type: Number, default: 0 },
      successful: { type: Number, default: 0 },
      failed: { type: Number, default: 0 },
      inProgress: { type: Number, default: 0 },
      outcomes: { type: Map, of: Number, default: {} },
    },
    rowErrors: { type: [rowErrorSchema], default: [] },
    completedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'campaigns', minimize: false },
);

campaignSchema.index({ status: 1, createdAt: -1 });
campaignSchema.index({ agentId: 1, createdAt: -1 });

export type CampaignRecord = InferSchemaType<typeof campaignSchema>;
export const Campaign = model('Campaign', campaignSchema);
