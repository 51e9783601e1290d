import type { Request, RequestHandler, Response } from 'express';
import { AuditEntry } from '../../db/models/audit-entry';
import type { Principal, RouteAccess } from '../../domain/access-control';
import type { Logger } from '../../lib/logger';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AuditRecord {
  orgId: string | null;
  keyId: string | null;
  action: string;
  method: string;
  route: string;
  resourceId: string | null;
  ip: string | null;
  status: number;
  errorCode?: string | null;
  details?: Record<string, unknown> | null;
}

export async function appendAudit(record: AuditRecord): Promise<void> {
  const outcome = record.status < 400 ? 'success' : record.status === 401 || record.status === 403 || record.status === 429 ? 'refused' : 'failed';
  await AuditEntry.create({ ...record, errorCode: record.errorCode ?? null, details: record.details ?? null, at: new Date(), outcome });
}

function resourceOf(req: Request, res: Response): string | null {
  const named = res.locals.auditResourceId as string | undefined;
  if (named) return named;
  const params = Object.values(req.params ?? {}).filter((value): value is string => typeof value === 'string');
  return params.length > 0 ? params[0] : null;
}

/**
 * Every state-changing request that reached a route is written once its answer is sent, refused ones
 * too (who tried what from where). Exotel's signed callbacks are left out: they carry no key, and what
 * they change is written on the call's own records.
 */
export function auditTrail(logger: Logger): RequestHandler {
  return (req, res, next) => {
    if (READ_METHODS.has(req.method)) return next();
    res.on('finish', () => {
      const access = res.locals.routeAccess as { access: RouteAccess; route: string } | undefined;
      if (!access || access.access === 'signed' || access.access === 'public' || access.access === 'metrics') return;
      const principal = res.locals.principal as Principal | undefined;
      const record: AuditRecord = {
        orgId: principal?.orgId ?? null,
        keyId: principal?.keyId ?? null,
        action: access.access,
        method: req.method,
        route: access.route,
        resourceId: resourceOf(req, res),
        ip: req.ip ?? null,
        status: res.statusCode,
        errorCode: (res.locals.errorCode as string | undefined) ?? null,
        details: (res.locals.auditDetails as Record<string, unknown> | undefined) ?? null,
      };
      appendAudit(record).catch((err: unknown) => logger.error({ err, route: record.route }, 'audit entry not written'));
    });
    next();
  };
}
