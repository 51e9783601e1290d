import { Schema, model, type InferSchemaType } from 'mongoose';
import { ROLES } from '../../domain/access-control';

/**
 * An API key: only its keyed hash is stored (the key itself is shown once, at creation). Every request
 * reads its row, so a revocation holds at once on every API process.
 */
const apiKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    hash: { type: String, required: true },
    /** The first characters of the key, enough to recognize it in a list, far too few to use it. */
    prefix: { type: String, required: true },
    name: { type: String, default: '' },
    orgId: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    /** For the `agent` role: the agents whose calls it reads. */
    agentIds: { type: [String], default: [] },
    /** Own limits; absent fields fall back to the configured defaults. */
    rateLimit: {
      perMinute: { type: Number, min: 1 },
      burst: { type: Number, min: 1 },
      perHour: { type: Number, min: 1 },
    },
    createdBy: { type: String, default: null },
    lastUsedAt: { type: Date, default: null },
    expiresAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'api_keys' },
);

apiKeySchema.index({ hash: 1 }, { unique: true });
apiKeySchema.index({ orgId: 1, createdAt: -1 });

export type ApiKeyRecord = InferSchemaType<typeof apiKeySchema> & { _id: string };
export const ApiKey = model('ApiKey', apiKeySchema);
