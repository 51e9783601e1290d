import { DEFAULT_ORG_ID } from '../../domain/access-control';
import { Schema, model, type InferSchemaType } from 'mongoose';
import { PRIORITIES } from '../../domain/priority';
import { businessHoursSchema } from './business-hours';

/** A repeating call (daily, weekly or monthly) driven by one recurrence workflow. */
const recurrenceSeriesSchema = new Schema(
  {
    /** The organization that owns the record; every API query is scoped by it (docs/security.md). */
    orgId: { type: String, required: true, default: DEFAULT_ORG_ID },
    _id: { type: String, required: true },
    workflowId: { type: String, required: true },
    agentId: { type: String, required: true },
    phoneNumber: { type: String, required: true },
    phoneLast4: { type: String, required: true },
    frequency: { type: String, enum: ['daily', 'weekly', 'monthly'], required: true },
    interval: { type: Number, default: 1, min: 1 },
    daysOfWeek: { type: [Number], default: [] },
    dayOfMonth: { type: Number, default: null },
    timeOfDay: { type: String, required: true, match: /^\d{2}:\d{2}(:\d{2})?$/ },
    timezone: { type: String, required: true },
    /** The zones the legal calling window holds in for this callee (domain/calling-policy); empty: read in `timezone`. */
    legalTimezones: { type: [String], default: [] },
    /** Local dates in `timezone` (YYYY-MM-DD): a series runs on calendar days, not instants. */
    startDate: { type: String, required: true, match: /^\d{4}-\d{2}-\d{2}$/ },
    endDate: { type: String, default: null },
    maxOccurrences: { type: Number, default: null },
    businessHours: { type: businessHoursSchema, default: null },
    callTemplate: {
      priority: { type: String, enum: PRIORITIES, default: 'medium' },
      retryPolicy: { type: Schema.Types.Mixed, default: null },
      metadata: { type: Schema.Types.Mixed, default: {} },
    },
    status: { type: String, enum: ['active', 'paused', 'cancelled', 'completed'], default: 'active' },
    occurrencesStarted: { type: Number, default: 0 },
    /** The index (0-based) of the next occurrence the workflow will consider. */
    nextOccurrenceIndex: { type: Number, default: 0 },
    nextOccurrenceAt: { type: Date, default: null },
    lastCallId: { type: String, default: null },
    skipped: {
      type: [new Schema({ occurrence: Number, at: Date, reason: String }, { _id: false })],
      default: [],
    },
    statusReason: { type: String, default: null },
    /** Fingerprint of the create request: a repeat with the same id or Idempotency-Key must match it. */
    requestHash: { type: String, default: null },
  },
  { timestamps: true, collection: 'recurrence_series', minimize: false },
);

recurrenceSeriesSchema.index({ status: 1, nextOccurrenceAt: 1 });
recurrenceSeriesSchema.index({ agentId: 1, createdAt: -1 });
recurrenceSeriesSchema.index({ orgId: 1, createdAt: -1 });

export type RecurrenceSeriesRecord = InferSchemaType<typeof recurrenceSeriesSchema>;
export const RecurrenceSeries = model('RecurrenceSeries', recurrenceSeriesSchema);
