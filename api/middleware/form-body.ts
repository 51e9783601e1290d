import express, { type RequestHandler } from 'express';
import { ApiError } from '../api-error';

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

/**
 * Exotel posts status callbacks as multipart/form-data by default (urlencoded on some accounts). Both
 * become a flat `name → value` object with names kept as sent, so Exotel's flattened `Legs[0][Status]`
 * stays one harmless field instead of being expanded into nested objects. Multipart is decoded by the
 * platform's own form-data parser (the one behind `Response.formData()`); file parts are ignored.
 */
export function formBody(limit = '256kb'): RequestHandler[] {
  return [
    express.raw({ type: FORM_TYPES, limit }),
    async (req, _res, next) => {
      if (!Buffer.isBuffer(req.body)) return next();
      const contentType = req.get('content-type') ?? '';
      const fields: Record<string, string> = {};
      if (contentType.toLowerCase().startsWith('multipart/form-data')) {
        const form = await new Response(req.body, { headers: { 'content-type': contentType } }).formData().catch(() => undefined);
        if (!form) return next(new ApiError(400, 'MALFORMED_BODY', 'Malformed multipart/form-data body'));
        for (const [name, value] of form.entries()) if (typeof value === 'string') fields[name] = value;
      } else {
        for (const [name, value] of new URLSearchParams(req.body.toString('utf8'))) fields[name] = value;
      }
      req.body = fields;
      next();
    },
  ];
}
