import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { DashboardSession } from '../../db/models/dashboard-session';
import { ApiKey, type ApiKeyRecord } from '../../db/models/api-key';
import { keyIsUsable, type Principal, type Role } from '../../domain/access-control';
import type { Config } from '../../domain/config';
import { findUsableKey, markKeyUsed } from '../../lib/api-keys';
import type { Logger } from '../../lib/logger';
import { ApiError } from '../api-error';
import { unauthenticated } from './route-access';

export const SESSION_COOKIE = 'ringline_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function sessionTokenOf(req: Request): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=') || undefined;
  }
  return undefined;
}

function principalFrom(row: ApiKeyRecord, via: Principal['via']): Principal {
  return { keyId: row._id, orgId: row.orgId, role: row.role as Role, agentIds: [...(row.agentIds ?? [])], via };
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Finds who a request acts as: an `Authorization: Bearer` key, or else the dashboard's session cookie.
 * A presented key that is unknown, revoked or expired is a 401 on any route; no credential leaves the
 * principal unset for the route's `allow` to judge. A session's state-changing requests must carry its
 * CSRF token: the cookie alone proves nothing about which page sent the request.
 */
export function authenticate(config: Config, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    try {
      const header = req.get('authorization');
      if (header !== undefined) {
        const match = /^Bearer ([\x21-\x7e]{1,200})$/i.exec(header);
        const row = match ? await findUsableKey(match[1], config.API_KEY_PEPPER) : null;
        if (!row) return next(unauthenticated(res, 'The API key is unknown, revoked or expired'));
        res.locals.principal = principalFrom(row, 'key');
        res.locals.keyRateLimit = row.rateLimit ?? {};
        if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
          markKeyUsed(row._id).catch((err: unknown) => logger.warn({ err, keyId: row._id }, 'could not record key use'));
        }
        return next();
      }
      const token = sessionTokenOf(req);
      if (token === undefined || token.length > 200) return next();
      const session = await DashboardSession.findById(hashSessionToken(token)).lean();
      if (!session || session.expiresAt.getTime() <= Date.now()) return next();
      const row = await ApiKey.findById(session.keyId).lean<ApiKeyRecord>();
      if (!row || !keyIsUsable(row, new Date())) return next();
      if (!SAFE_METHODS.has(req.method) && !sameText(req.get(CSRF_HEADER) ?? '', session.csrfToken)) {
        return next(new ApiError(403, 'CSRF_TOKEN_INVALID', `A state-changing request of a dashboard session needs its ${CSRF_HEADER} header`));
      }
      res.locals.principal = principalFrom(row, 'session');
      res.locals.keyRateLimit = row.rateLimit ?? {};
      res.locals.sessionId = session._id;
      next();
    } catch (err) {
      next(err);
    }
  };
}
