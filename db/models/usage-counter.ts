import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * A count inside one fixed time window (`<what>:<who>:<window start>`), raised by an atomic `$inc`
 * upsert so every API process shares it: per-key request limits and per-organization daily call caps.
 */
const usageCounterSchema = new Schema(
  {
    _id: { type: String, required: true },
    count: { type: Number, required: true, default: 0 },
    windowEndsAt: { type: Date, required: true },
  },
  { collection: 'usage_counters', versionKey: false },
);

usageCounterSchema.index({ windowEndsAt: 1 });

export type UsageCounterRecord = InferSchemaType<typeof usageCounterSchema>;
export const UsageCounter = model('UsageCounter', usageCounterSchema);
