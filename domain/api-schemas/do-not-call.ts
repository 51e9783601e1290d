import { z } from 'zod';
import { paginationQueryShape } from './common';

export const doNotCallAddSchema = z.strictObject({
  phoneNumber: z.string().max(64),
  reason: z.string().trim().min(1).max(200).optional(),
});

export const doNotCallListQuerySchema = z.object(paginationQueryShape);

/** A number in a path: E.164 with its `+` (URL-encoded as %2B or left as is) or a national number. */
/** A number in a path: digits and the separators people write them with, nothing else (no control characters). */
export const phoneNumberParamsSchema = z.object({ phoneNumber: z.string().min(1).max(64).regex(/^[0-9+()\-. ]+$/, 'digits, +, spaces, dots, dashes and parentheses only') });
