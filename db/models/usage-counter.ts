import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * Counts shared by every API process, raised by atomic `$inc` upserts: an organization's calls of one
 * day (`calls:<orgId>:<day start>`, in `count`), and a key's requests (`rate:<keyId>`, one field per
 * window and window start, e.g. `w60.<start>`, written with `strict: false`).
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
