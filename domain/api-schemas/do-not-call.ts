import { z } from 'zod';
import { instantSchema, pageAnswerSchema, paginationQueryShape, rowErrorAnswerSchema } from './common';

export const doNotCallAddSchema = z.strictObject({
  phoneNumber: z.string().max(64),
  reason: z.string().trim().min(1).max(200).optional(),
});

export const doNotCallListQuerySchema = z.object(paginationQueryShape);

/** A number in a path: E.164 with its `+` (URL-encoded as %2B or left as is) or a national number. */
/** A number in a path: digits and the separators people write them with, nothing else (no control characters). */
export const phoneNumberParamsSchema = z.object({ phoneNumber: z.string().min(1).max(64).regex(/^[0-9+()\-. ]+$/, 'digits, +, spaces, dots, dashes and parentheses only') });

export const doNotCallEntryAnswerSchema = z.object({
  phoneNumber: z.string(),
  reason: z.string().nullable(),
  source: z.enum(['api', 'csv']),
  addedBy: z.string().nullable(),
  createdAt: instantSchema,
});

export const doNotCallPageAnswerSchema = pageAnswerSchema(doNotCallEntryAnswerSchema);

/** 201 when the number was added, 200 with `added: false` when it was already listed. */
export const doNotCallAddAnswerSchema = z.object({ phoneNumber: z.string(), listed: z.literal(true), added: z.boolean() });

export const doNotCallImportAnswerSchema = z.object({
  totalRows: z.int().min(0),
  validRows: z.int().min(0),
  invalidRows: z.int().min(0),
  added: z.int().min(0),
  alreadyListed: z.int().min(0),
  errors: z.array(rowErrorAnswerSchema),
  errorsTruncated: z.boolean(),
});
