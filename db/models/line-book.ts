import { Schema, model } from 'mongoose';

/**
 * One Exotel account's live lines (domain/line-book.ts), one document per account. `version` rises
 * with every write: a writer replaces the document only if it is still the version it read.
 */
const lineBookSchema = new Schema(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    holders: [{ _id: false, workflowId: String, priority: String, grantedAt: Number, expiresAt: Number }],
    waiting: [{ _id: false, workflowId: String, expiresAt: Number }],
    consecutiveFailures: { type: Number, required: true },
    fastPath: { type: Boolean, required: true },
    trippedBy: { type: String, default: null },
    grantsTotal: { type: Number, required: true },
    reclaimedTotal: { type: Number, required: true },
  },
  { collection: 'line_books', versionKey: false },
);

export const LineBookRecord = model('LineBook', lineBookSchema);
