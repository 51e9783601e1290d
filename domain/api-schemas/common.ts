import { z } from 'zod';
import { CALL_ID_SHAPE } from '../attempt-address';

/**
 * Building blocks shared by the API's request schemas. Query strings arrive as text, so numbers and
 * booleans there are coerced; bodies are JSON and keep their types strict.
 */

/** Ids Ringline generates or accepts from clients: safe in URLs, workflow ids and log lines. */
export const resourceIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -');

/** A call's public id; calls started by series and campaigns carry ids of their own shape (`<seriesId>-<n>`). */
export const callLogIdSchema = z.string().regex(CALL_ID_SHAPE, 'must be 1-128 letters, digits or _ : . -');

export const isoDateTimeSchema = z.iso.datetime({ offset: true });

/** A report period's end: a date-time with an offset, or a bare date read in the account's time zone (domain/report-boundary). */
export const reportBoundarySchema = z.union([isoDateTimeSchema, z.iso.date()]);

export const booleanQuerySchema = z.enum(['true', 'false']).transform((value) => value === 'true');

export const paginationQueryShape = {
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
};

/** RFC 9110 visible ASCII plus space: what an HTTP header carries safely and a log line shows readably. */
export const idempotencyKeySchema = z.string().regex(/^[\x20-\x7e]{1,255}$/, 'must be 1-255 printable ASCII characters');

/**
 * Answer bodies. They describe what the API sends, for the OpenAPI document (api/openapi) and the
 * examples in docs/api.md: instants are ISO strings with `Z`, and objects list every field they carry.
 */

export const instantSchema = z.iso.datetime();

/** Counts by status, reason or outcome; keys whose count is 0 may be left out. */
export const tallySchema = z.record(z.string(), z.int().min(0));

/** Every 4xx and 5xx: `details` is zod's issues for VALIDATION_ERROR, the code's own object, or null. */
export const errorAnswerSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown() }),
});

/** One page of a list, with the page asked for and the count of every match. */
export function pageAnswerSchema<Item extends z.ZodType>(item: Item) {
  return z.object({ data: z.array(item), page: z.int().min(1), limit: z.int().min(1), total: z.int().min(0) });
}

/** A row of an upload that was not taken, by its line in the file. */
export const rowErrorAnswerSchema = z.object({ line: z.int(), field: z.string().nullable(), code: z.string(), message: z.string() });
