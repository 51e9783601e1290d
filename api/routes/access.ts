import { Router } from 'express';
import { AuditEntry } from '../../db/models/audit-entry';
import { createKeySchema, keyIdParamsSchema, listAuditQuerySchema } from '../../domain/api-schemas/access';
import type { Config } from '../../domain/config';
import { createApiKey, listApiKeys, revokeApiKey } from '../../lib/api-keys';
import { allow, principalOf } from '../access/route-access';
import { ApiError } from '../api-error';

/**
 * Keys and the audit trail of the caller's own organization, for admins. A new key is in the answer
 * once and never again; another organization's key id is a 404 like an unknown one.
 */
export function accessRouter(config: Pick<Config, 'API_KEY_PEPPER'>): Router {
  const router = Router();

  router.post('/keys', allow('keys.manage'), async (req, res) => {
    const principal = principalOf(res);
    const request = createKeySchema.parse(req.body);
    const { key, view } = await createApiKey(
      { ...request, orgId: principal.orgId, expiresAt: request.expiresAt ? new Date(request.expiresAt) : null, createdBy: principal.keyId },
      config.API_KEY_PEPPER,
    );
    res.locals.auditResourceId = view.id;
    res.status(201).json({ ...view, key });
  });

  router.get('/keys', allow('keys.manage'), async (_req, res) => {
    res.json({ data: await listApiKeys(principalOf(res).orgId) });
  });

  router.post('/keys/:keyId/revoke', allow('keys.manage'), async (req, res) => {
    const { keyId } = keyIdParamsSchema.parse(req.params);
    const view = await revokeApiKey(keyId, principalOf(res).orgId);
    if (!view) throw new ApiError(404, 'KEY_NOT_FOUND', `Key ${keyId} does not exist`);
    res.json(view);
  });

  router.get('/audit', allow('audit.read'), async (req, res) => {
    const { page, limit, keyId, from, to } = listAuditQuerySchema.parse(req.query);
    const at = { ...(from && { $gte: new Date(from) }), ...(to && { $lt: new Date(to) }) };
    const filter = { orgId: principalOf(res).orgId, ...(keyId && { keyId }), ...(Object.keys(at).length > 0 && { at }) };
    const [rows, total] = await Promise.all([
      AuditEntry.find(filter, { _id: 0 }).sort({ at: -1 }).skip((page - 1) * limit).limit(limit).lean(),
      AuditEntry.countDocuments(filter),
    ]);
    res.json({ data: rows, page, limit, total });
  });

  return router;
}
