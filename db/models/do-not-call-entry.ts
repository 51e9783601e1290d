import { Schema, model, type InferSchemaType } from 'mongoose';
import { DO_NOT_CALL_SOURCES } from '../../domain/do-not-call';

/**
 * One number an organization must never call. `_id` is `doNotCallEntryId(orgId, phoneNumber)`, so the
 * check made before every dial is one key look-up. Kept when the number is erased: honouring the
 * opt-out needs the number (docs/security.md).
 */
const doNotCallEntrySchema = new Schema(
  {
    _id: { type: String, required: true },
    orgId: { type: String, required: true },
    /** E.164. */
    phoneNumber: { type: String, required: true },
    phoneLast4: { type: String, required: true },
    reason: { type: String, default: null },
    source: { type: String, enum: DO_NOT_CALL_SOURCES, required: true },
    /** The API key that listed the number. */
    addedBy: { type: String, default: null },
  },
  { timestamps: true, collection: 'do_not_call_entries', versionKey: false },
);

doNotCallEntrySchema.index({ orgId: 1, createdAt: -1 });

export type DoNotCallEntryRecord = InferSchemaType<typeof doNotCallEntrySchema>;
export const DoNotCallEntry = model('DoNotCallEntry', doNotCallEntrySchema);
