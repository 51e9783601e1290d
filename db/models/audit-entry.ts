import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * One state-changing request or key action. Append-only: nothing in Ringline updates or deletes a row,
 * and the API offers only a read route (admins of the same organization).
 */
const auditEntrySchema = new Schema(
  {
    at: { type: Date, required: true },
    orgId: { type: String, default: null },
    keyId: { type: String, default: null },
    action: { type: String, required: true },
    method: { type: String, required: true },
    route: { type: String, required: true },
    resourceId: { type: String, default: null },
    ip: { type: String, default: null },
    status: { type: Number, required: true },
    outcome: { type: String, enum: ['success', 'refused', 'failed'], required: true },
    errorCode: { type: String, default: null },
    /** What an action changed, in counts (an erasure, a retention run); never personal data. */
    details: { type: Schema.Types.Mixed, default: null },
  },
  { collection: 'audit_entries', versionKey: false },
);

auditEntrySchema.index({ orgId: 1, at: -1 });

export type AuditEntryRecord = InferSchemaType<typeof auditEntrySchema>;
export const AuditEntry = model('AuditEntry', auditEntrySchema);
