import { z } from 'zod';
import { ROLES } from '../access-control';
import { instantSchema, isoDateTimeSchema, pageAnswerSchema, paginationQueryShape, resourceIdSchema } from './common';

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

/** A key as its organization's admins see it: never its secret, which only the create answer holds, once. */
export const apiKeyAnswerSchema = z.object({
  id: z.string(),
  prefix: z.string(),
  name: z.string(),
  orgId: z.string(),
  role: z.enum(ROLES),
  agentIds: z.array(z.string()),
  rateLimit: z.object({ perMinute: limit.optional(), burst: limit.optional(), perHour: limit.optional() }),
  createdAt: instantSchema,
  lastUsedAt: instantSchema.nullable(),
  expiresAt: instantSchema.nullable(),
  revokedAt: instantSchema.nullable(),
});

export const createdKeyAnswerSchema = apiKeyAnswerSchema.extend({ key: z.string() });

export const keyListAnswerSchema = z.object({ data: z.array(apiKeyAnswerSchema) });

export const auditEntryAnswerSchema = z.object({
  at: instantSchema,
  orgId: z.string().nullable(),
  keyId: z.string().nullable(),
  action: z.string(),
  method: z.string(),
  route: z.string(),
  resourceId: z.string().nullable(),
  ip: z.string().nullable(),
  status: z.int(),
  outcome: z.enum(['success', 'refused', 'failed']),
  errorCode: z.string().nullable(),
  details: z.unknown(),
});

export const auditPageAnswerSchema = pageAnswerSchema(auditEntryAnswerSchema);
