import { z } from 'zod';

/**
 * GET /health: up or not for anyone; which dependency and how fast only for a caller with a key.
 * 200 when every dependency answers, 503 when one does not.
 */
export const healthAnswerSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  checks: z.object({ temporal: z.enum(['up', 'down']), database: z.enum(['up', 'down']) }).optional(),
  checkedInMs: z.int().min(0).optional(),
});
