import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * Exotel's last DND answer per number, keyed by the E.164 number (CallLog stores numbers the same
 * way). No TTL index: FerretDB has none, so readers judge freshness with `DND_CACHE_TTL_SEC`
 * (domain/dnd.ts) and a stale row is simply overwritten by the next lookup.
 */
const dndLookupSchema = new Schema(
  {
    _id: { type: String, required: true },
    dnd: { type: Boolean, required: true },
    checkedAt: { type: Date, required: true },
  },
  { collection: 'dnd_lookups', versionKey: false },
);

export type DndLookupRecord = InferSchemaType<typeof dndLookupSchema>;
export const DndLookup = model('DndLookup', dndLookupSchema);
