import { z } from 'zod';
import { PRIORITIES } from '../priority';
import { resourceIdSchema, rowErrorAnswerSchema } from './common';

/**
 * Options of the CSV import routes. They arrive as multipart form fields (before the file) or, with a
 * raw text/csv body, in the query string: text either way, so numbers are coerced.
 */

export const MAX_PREVIEW_ROWS = 100;

export const validateImportOptionsSchema = z.strictObject({
  /** The agent for rows whose agent_id is empty. */
  agentId: resourceIdSchema.optional(),
});

export const parseImportOptionsSchema = validateImportOptionsSchema.extend({
  previewRows: z.coerce.number().int().min(0).max(MAX_PREVIEW_ROWS).default(20),
});

export const importTemplateQuerySchema = z.strictObject({ format: z.enum(['csv', 'json']).default('csv') });

/** What a CSV check found; nothing is stored. `errors` stops at 500 (`errorsTruncated`). */
export const importCheckAnswerSchema = z.object({
  valid: z.boolean(),
  totalRows: z.int().min(0),
  validRows: z.int().min(0),
  invalidRows: z.int().min(0),
  /** Rows refused (also) because their number came earlier in the file; counted in invalidRows too. */
  duplicateRows: z.int().min(0),
  columns: z.array(z.string()),
  variables: z.array(z.string()),
  errors: z.array(rowErrorAnswerSchema),
  errorsTruncated: z.boolean(),
});

/** The check plus the first `previewRows` contacts as they would be called. */
export const importParseAnswerSchema = importCheckAnswerSchema.extend({
  preview: z.array(
    z.object({
      line: z.int(),
      phoneNumber: z.string(),
      agentId: z.string().nullable(),
      scheduledFor: z.iso.datetime().nullable(),
      timezone: z.string().nullable(),
      priority: z.enum(PRIORITIES).nullable(),
      variables: z.record(z.string(), z.string()),
      legalTimezones: z.array(z.string()),
    }),
  ),
});

/** `format=json`: the template's columns and limits, and the CSV itself. */
export const importTemplateAnswerSchema = z.object({
  filename: z.string(),
  columns: z.array(z.object({ name: z.string(), aliases: z.array(z.string()), required: z.boolean(), description: z.string() })),
  variables: z.object({
    description: z.string(),
    examples: z.array(z.object({ name: z.string(), description: z.string() })),
    maxVariables: z.int(),
    maxVariableChars: z.int(),
  }),
  limits: z.object({ maxRows: z.int(), maxUploadBytes: z.int() }),
  header: z.array(z.string()),
  exampleRows: z.array(z.array(z.string())),
  csv: z.string(),
});
