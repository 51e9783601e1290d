import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import type { Logger } from '../../lib/logger';
import { ApiError } from '../api-error';

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(new ApiError(404, 'NOT_FOUND', `No route for ${req.method} ${req.path}`));
}

/** Every error leaves the API in one shape; internals are logged, never sent to the client. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof ApiError) {
      res.locals.errorCode = err.code;
      res.status(err.status).json({ error: { code: err.code, message: err.message, details: err.details ?? null } });
      return;
    }
    if (err instanceof ZodError) {
      res.status(400).json({ error: { code: 'VALIDATION_ERROR', message: 'Request is invalid', details: err.issues } });
      return;
    }
    // body-parser marks malformed JSON and oversized bodies with a status and a type.
    const parserError = err as { status?: number; type?: string; message?: string };
    if (parserError.status && parserError.status >= 400 && parserError.status < 500) {
      const code = parserError.type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE' : 'MALFORMED_BODY';
      res.status(parserError.status).json({ error: { code, message: parserError.message ?? 'Bad request', details: null } });
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
    res.status(500).json({ error: { code: 'INTERNAL_ERROR', message: 'Internal server error', details: null } });
  };
}
