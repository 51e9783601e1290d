import type { RequestHandler, Response } from 'express';
import { isOpenAccess, roleAllows, type Principal, type RouteAccess } from '../../domain/access-control';
import { ApiError } from '../api-error';

/** A route's first handler: it declares, and enforces, who may call the route (docs/security.md). */
export type AccessHandler = RequestHandler & { readonly access: RouteAccess };

export const unauthenticated = (res: Response, message = 'An API key is required: Authorization: Bearer <key>') => {
  res.set('WWW-Authenticate', 'Bearer realm="ringline"');
  return new ApiError(401, 'UNAUTHENTICATED', message);
};

/**
 * `allow('calls.read')` lets through a principal whose role holds the permission: no principal → 401,
 * a role without it → 403. Open access (`public`, `signed`, `metrics`, `session`) lets everyone through
 * to the route, which authenticates by its own means.
 */
export function allow(access: RouteAccess): AccessHandler {
  const handler: RequestHandler = (req, res, next) => {
    res.locals.routeAccess = { access, route: `${req.baseUrl}${req.route?.path ?? ''}` };
    if (isOpenAccess(access)) return next();
    const principal = res.locals.principal as Principal | undefined;
    if (!principal) return next(unauthenticated(res));
    if (!roleAllows(principal.role, access)) {
      return next(new ApiError(403, 'FORBIDDEN', `The ${principal.role} role may not do this (needs ${access})`, { permission: access }));
    }
    next();
  };
  return Object.assign(handler, { access });
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  // Only reachable from a route without allow(permission): a programming error, answered as a 500.
  if (!principal) throw new Error('route reached without an authenticated principal');
  return principal;
}

/**
 * Declares the access of every route of a router whose handlers authenticate requests themselves
 * (Exotel's signed webhooks and Voicebot URL endpoint), without touching those handlers.
 */
export function withAccess(access: 'signed' | 'public', inner: RequestHandler): RequestHandler & { readonly access: RouteAccess; readonly inner: RequestHandler } {
  const mark: RequestHandler = (req, res, next) => {
    res.locals.routeAccess = { access, route: `${req.baseUrl}${req.path}` };
    inner(req, res, next);
  };
  return Object.assign(mark, { access, inner });
}
