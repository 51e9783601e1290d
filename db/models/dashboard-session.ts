import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * A dashboard login: the cookie holds a random token whose hash is the id here; the session acts as
 * the key it was opened with, so revoking that key ends the session too.
 */
const dashboardSessionSchema = new Schema(
  {
    _id: { type: String, required: true },
    keyId: { type: String, required: true },
    csrfToken: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { timestamps: true, collection: 'dashboard_sessions' },
);

export type DashboardSessionRecord = InferSchemaType<typeof dashboardSessionSchema>;
export const DashboardSession = model('DashboardSession', dashboardSessionSchema);
