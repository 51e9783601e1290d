import { z } from 'zod';
import { DELIVERY_STATUSES, OUTCOME_EVENT_TYPES } from '../outcome-webhooks';
import { callLogIdSchema, isoDateTimeSchema, paginationQueryShape, resourceIdSchema } from './common';

/**
 * Outcome webhooks (docs/webhooks.md): a callback URL on a call or campaign, the organization's
 * default settings and signing secret, and the delivery attempts. Whether a URL's host may be posted
 * to is checked by the API after parsing (lib/callback-target.ts), since that needs a DNS look-up.
 */

export const callbackUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048);

export const webhookSettingsRequestSchema = z
  .strictObject({ url: callbackUrlSchema.nullable(), enabled: z.boolean() })
  .refine((settings) => !settings.enabled || settings.url !== null, { message: 'an enabled webhook needs a url', path: ['url'] });
export type WebhookSettingsRequest = z.infer<typeof webhookSettingsRequestSchema>;

export const webhookSettingsAnswerSchema = z.object({
  url: z.string().nullable(),
  enabled: z.boolean(),
  /** `whsec_` and four characters of the signing secret; null before the organization has one. */
  secretPrefix: z.string().nullable(),
  secretRotatedAt: isoDateTimeSchema.nullable(),
  /** The signing secret itself: only in the answer that made it, never again. */
  signingSecret: z.string().optional(),
});

/** The secret being replaced, by its prefix (null when there is none yet): a repeated rotation is refused, not applied twice. */
export const rotateSecretRequestSchema = z.strictObject({ currentSecretPrefix: z.string().max(64).nullable() });

export const rotateSecretAnswerSchema = z.object({
  signingSecret: z.string(),
  secretPrefix: z.string(),
  secretRotatedAt: isoDateTimeSchema,
});

export const webhookDeliverySchema = z.object({
  eventId: z.string(),
  type: z.enum(OUTCOME_EVENT_TYPES),
  callId: z.string().nullable(),
  campaignId: z.string().nullable(),
  url: z.string(),
  attempt: z.int(),
  status: z.enum(DELIVERY_STATUSES),
  statusCode: z.int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().nullable(),
  at: isoDateTimeSchema,
});

export const callWebhooksParamsSchema = z.object({ callLogId: callLogIdSchema });

export const callWebhooksAnswerSchema = z.object({ callLogId: z.string(), data: z.array(webhookDeliverySchema) });

export const webhookDeliveriesQuerySchema = z
  .object({
    ...paginationQueryShape,
    status: z.enum(DELIVERY_STATUSES).optional(),
    type: z.enum(OUTCOME_EVENT_TYPES).optional(),
    callId: callLogIdSchema.optional(),
    campaignId: resourceIdSchema.optional(),
    from: isoDateTimeSchema.optional(),
    to: isoDateTimeSchema.optional(),
  })
  .refine((query) => !query.from || !query.to || Date.parse(query.from) <= Date.parse(query.to), { message: 'from must not be after to', path: ['from'] });

export const webhookDeliveriesAnswerSchema = z.object({
  data: z.array(webhookDeliverySchema),
  page: z.int(),
  limit: z.int(),
  total: z.int(),
});
