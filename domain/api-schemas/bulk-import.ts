import { z } from 'zod';
import { resourceIdSchema } from './common';

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
