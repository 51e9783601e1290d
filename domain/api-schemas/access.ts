import { z } from 'zod';
import { ROLES } from '../access-control';
import { isoDateTimeSchema, paginationQueryShape, resourceIdSchema } from './common';

const limit = z.number().int().min(1).max(1_000_000);

export const createKeySchema = z.strictObject({
  role: z.enum(ROLES),
  name: z.string().max(100).optional(),
  agentIds: z.array(resourceIdSchema).max(100).optional(),
  expiresAt: isoDateTimeSchema.optional(),
  rateLimit: z.strictObject({ perMinute: limit.optional(), burst: limit.optional(), perHour: limit.optional() }).optional(),
});

export const keyIdParamsSchema = z.strictObject({ keyId: z.string().regex(/^key_[0-9a-f]{16}$/, 'must be a key id (key_…)') });

export const listAuditQuerySchema = z.strictObject({
  ...paginationQueryShape,
  keyId: z.string().regex(/^key_[0-9a-f]{16}$/).optional(),
  from: isoDateTimeSchema.optional(),
  to: isoDateTimeSchema.optional(),
});

export const dashboardLoginSchema = z.strictObject({ key: z.string().min(1).max(200) });
