import { z } from 'zod';
import { paginationQueryShape } from './common';

export const doNotCallAddSchema = z.strictObject({
  phoneNumber: z.string().max(64),
  reason: z.string().trim().min(1).max(200).optional(),
});

export const doNotCallListQuerySchema = z.object(paginationQueryShape);

/** A number in a path: E.164 with its `+` (URL-encoded as %2B or left as is) or a national number. */
export const phoneNumberParamsSchema = z.object({ phoneNumber: z.string().min(1).max(64) });
