import { z } from 'zod';
import { PRIORITIES } from '../priority';
import { callLogIdSchema, isoDateTimeSchema, resourceIdSchema } from './common';
import { callbackUrlSchema } from './outcome-webhooks';
import { retryPolicyOverrideSchema } from './retry-policy';

/** Metadata travels in the workflow input and history and in every CallLog row, so it stays small. */
export const METADATA_MAX_BYTES = 8 * 1024;

/** MongoDB reserves `$`-prefixed names and reads dots as paths; such keys would not round-trip. */
function hasStorableKeys(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(hasStorableKeys);
  if (value === null || typeof value !== 'object') return true;
  return Object.entries(value).every(([key, item]) => !key.startsWith('$') && !key.includes('.') && hasStorableKeys(item));
}

export const callMetadataSchema = z
  .record(z.string(), z.unknown())
  .refine((metadata) => new TextEncoder().encode(JSON.stringify(metadata)).length <= METADATA_MAX_BYTES, {
    message: `must be at most ${METADATA_MAX_BYTES} bytes as JSON`,
  })
  .refine(hasStorableKeys, { message: 'keys must not start with $ or contain a dot' });

export const outboundCallSchema = z.strictObject({
  phoneNumber: z.string().max(64),
  agentId: resourceIdSchema,
  priority: z.enum(PRIORITIES).default('medium'),
  metadata: callMetadataSchema.optional(),
  retryPolicy: retryPolicyOverrideSchema.optional(),
  scheduledFor: isoDateTimeSchema.optional(),
  /** Exotel's TimeOut; the account's default applies when absent. */
  ringTimeoutSec: z.int().min(5).max(120).optional(),
  /** Where the call's outcome webhooks go, signed with the organization's secret (docs/webhooks.md). */
  callbackUrl: callbackUrlSchema.optional(),
});
export type OutboundCallRequest = z.infer<typeof outboundCallSchema>;

export const callLogIdParamsSchema = z.object({ callLogId: callLogIdSchema });

export const cancelCallSchema = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });

export const callStatsQuerySchema = z
  .object({ from: isoDateTimeSchema.optional(), to: isoDateTimeSchema.optional(), agentId: resourceIdSchema.optional() })
  .refine((query) => !query.from || !query.to || Date.parse(query.from) <= Date.parse(query.to), {
    message: 'from must not be after to',
    path: ['from'],
  });
