import { z } from 'zod';

/** GET /api/v1/openapi.json: an OpenAPI 3.1 document; its own schema is OpenAPI's, so only its frame is checked here. */
export const openApiAnswerSchema = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});
