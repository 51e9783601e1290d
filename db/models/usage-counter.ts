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

/** Two first writers of one counter race on the upsert; the loser's duplicate-key error means the row exists now. */
export async function upsertRacing<T>(bump: () => Promise<T>): Promise<T> {
  try {
    return await bump();
  } catch (err) {
    if ((err as { code?: number }).code !== 11000) throw err;
    return bump();
  }
}

/** Counts units in the window that holds `now` (the organizations' daily call caps). */
export async function countInWindow(id: string, seconds: number, now: number, by = 1): Promise<{ count: number; endsAt: number }> {
  const start = Math.floor(now / 1000 / seconds) * seconds;
  const endsAt = (start + seconds) * 1000;
  const row = await upsertRacing(() =>
    UsageCounter.findOneAndUpdate(
      { _id: `${id}:${start}` },
      { $inc: { count: by }, $setOnInsert: { windowEndsAt: new Date(endsAt) } },
      { upsert: true, returnDocument: 'after' },
    ).lean(),
  );
  return { count: row?.count ?? by, endsAt };
}
