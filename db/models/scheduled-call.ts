import { DEFAULT_ORG_ID } from '../../domain/access-control';
import { Schema, model, type InferSchemaType } from 'mongoose';
import { PRIORITIES } from '../../domain/priority';
import { businessHoursSchema } from './business-hours';

/** A call booked for later. Its workflow sleeps until `effectiveAt`; this record follows it. */
const scheduledCallSchema = new Schema(
  {
    /** The organization that owns the record; every API query is scoped by it (docs/security.md). */
    orgId: { type: String, required: true, default: DEFAULT_ORG_ID },
    _id: { type: String, required: true },
    callLogId: { type: String, required: true },
    workflowId: { type: String, required: true },
    phoneNumber: { type: String, required: true },
    phoneLast4: { type: String, required: true },
    agentId: { type: String, required: true },
    scheduledFor: { type: Date, required: true },
    effectiveAt: { type: Date, required: true },
    timezone: { type: String, required: true },
    respectBusinessHours: { type: Boolean, default: false },
    businessHours: { type: businessHoursSchema, default: null },
    priority: { type: String, enum: PRIORITIES, default: 'medium' },
    retryPolicy: { type: Schema.Types.Mixed, default: null },
    status: {
      type: String,
      enum: ['pending', 'processing', 'completed', 'cancelled', 'failed'],
      default: 'pending',
    },
    /** The call's own end (completed, voicemail, failed …) once the schedule has run. */
    finalStatus: { type: String, default: null },
    finalFailureReason: { type: String, default: null },
    prewarmedAt: { type: Date, default: null },
    seriesId: { type: String, default: null },
    occurrence: { type: Number, default: null },
    metadata: { type: Schema.Types.Mixed, default: {} },
    /** When retention or an erasure cleared this record's personal data (docs/security.md). */
    personalDataPurgedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'scheduled_calls', minimize: false },
);

scheduledCallSchema.index({ callLogId: 1 }, { unique: true });
scheduledCallSchema.index({ status: 1, effectiveAt: 1 });
scheduledCallSchema.index({ agentId: 1, effectiveAt: 1 });
scheduledCallSchema.index({ seriesId: 1, occurrence: 1 });
scheduledCallSchema.index({ orgId: 1, effectiveAt: 1 });

export type ScheduledCallRecord = InferSchemaType<typeof scheduledCallSchema>;
export const ScheduledCall = model('ScheduledCall', scheduledCallSchema);
