import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { Config } from '../../domain/config';
import { ApiError } from '../api-error';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function listOf(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
}

/** Host names (any port) this API answers to: a rebound DNS name pointing at 127.0.0.1 is refused. */
export function allowedHosts(config: Config): Set<string> {
  const names = [new URL(config.PUBLIC_API_URL).hostname, '127.0.0.1', 'localhost', '[::1]', ...listOf(config.API_ALLOWED_HOSTS)];
  return new Set(names.map(hostName));
}

function hostName(host: string): string {
  return host.toLowerCase().replace(/:\d+$/, '');
}

/**
 * Host and Origin checks against DNS rebinding and cross-site requests, and a CORS policy closed
 * unless an origin is on the allow-list. A browser request from another page always carries Origin on
 * a POST; a request from the API's own origin or without Origin (curl, Exotel, SDKs) passes, since
 * those cannot ride on an operator's browser.
 */
export function requestGuards(config: Config): RequestHandler[] {
  const hosts = allowedHosts(config);
  const ownOrigin = new URL(config.PUBLIC_API_URL).origin;
  const corsOrigins = new Set(listOf(config.CORS_ALLOWED_ORIGINS));

  const hostCheck: RequestHandler = (req, _res, next) => {
    if (!hosts.has(hostName(req.get('host') ?? ''))) return next(new ApiError(421, 'HOST_NOT_ALLOWED', 'This API does not answer for that Host'));
    next();
  };

  const originCheck: RequestHandler = (req, res, next) => {
    const origin = req.get('origin');
    if (origin === undefined) return next();
    const sameOrigin = origin === ownOrigin || origin === `${req.protocol}://${req.get('host')}`;
    const listed = corsOrigins.has(origin);
    if (listed) {
      res.set({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin' });
      if (req.method === 'OPTIONS') {
        res.set({
          'Access-Control-Allow-Methods': 'GET, POST, PATCH, DELETE',
          'Access-Control-Allow-Headers': 'Authorization, Content-Type, Idempotency-Key',
          'Access-Control-Max-Age': '600',
        });
        res.status(204).end();
        return;
      }
    }
    if (!sameOrigin && !listed && (!SAFE_METHODS.has(req.method) || req.method === 'OPTIONS')) {
      return next(new ApiError(403, 'ORIGIN_NOT_ALLOWED', `Requests from ${origin} are not allowed`));
    }
    next();
  };

  const security = helmet({
    // The dashboard sets its own, stricter policy; the API's JSON answers need none beyond helmet's default.
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
  });

  return [hostCheck, security, originCheck];
}

/** Records hold names, numbers and transcripts: no browser or proxy keeps a copy. */
export function noStore(): RequestHandler {
  return (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  };
}
