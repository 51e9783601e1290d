import type { Request, RequestHandler } from 'express';
import { idempotencyKeySchema } from '../../domain/api-schemas/common';
import { ApiError } from '../api-error';

const HEADER = 'idempotency-key';

/** A malformed key is refused on every route, so no route can act on a key it would later fail to match. */
export function validateIdempotencyKey(): RequestHandler {
  return (req, _res, next) => {
    const key = req.headers[HEADER];
    if (key === undefined) return next();
    const parsed = idempotencyKeySchema.safeParse(key);
    if (!parsed.success) {
      return next(new ApiError(400, 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1-255 printable ASCII characters', parsed.error.issues));
    }
    next();
  };
}

export function idempotencyKeyOf(req: Request): string | undefined {
  return req.get(HEADER);
}
