import { DEFAULT_ORG_ID } from '../../domain/access-control';
import { Schema, model, type InferSchemaType } from 'mongoose';

/** One row per retry the workflow scheduled: when, why and what became of it. */
const retryAttemptSchema = new Schema(
  {
    /** The organization that owns the record; every API query is scoped by it (docs/security.md). */
    orgId: { type: String, required: true, default: DEFAULT_ORG_ID },
    originalCallLogId: { type: String, required: true },
    attemptNumber: { type: Number, required: true, min: 2 },
    callLogId: { type: String, required: true },
    reason: { type: String, required: true },
    delayMs: { type: Number, required: true, min: 0 },
    scheduledFor: { type: Date, required: true },
    status: { type: String, enum: ['scheduled', 'dialed', 'cancelled', 'superseded'], default: 'scheduled' },
    executedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'retry_attempts' },
);

retryAttemptSchema.index({ originalCallLogId: 1, attemptNumber: 1 }, { unique: true });
retryAttemptSchema.index({ status: 1, scheduledFor: 1 });

export type RetryAttemptRecord = InferSchemaType<typeof retryAttemptSchema>;
export const RetryAttempt = model('RetryAttempt', retryAttemptSchema);
