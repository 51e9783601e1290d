import { Router } from 'express';
import { CallLog } from '../../db/models/call-log';
import { OutcomeWebhookDelivery, type OutcomeWebhookDeliveryRecord } from '../../db/models/outcome-webhook-delivery';
import { OutcomeWebhookSettings } from '../../db/models/outcome-webhook-settings';
import { ensureSigningSecret, rotateSigningSecret, signingSecretPrefix } from '../../db/webhook-signing-secret';
import { withWriteRetry } from '../../db/transient-write-error';
import { scopeOf } from '../../domain/access-control';
import { callWebhooksParamsSchema, rotateSecretRequestSchema, webhookDeliveriesQuerySchema, webhookSettingsRequestSchema } from '../../domain/api-schemas/outcome-webhooks';
import { SecretSealer } from '../../lib/sealed-secret';
import { allow, principalOf } from '../access/route-access';
import { ApiError } from '../api-error';
import type { CallRoutesContext } from '../call-context';
import { refuseDisallowedCallbackUrl } from '../callback-url';

/** Outcome webhooks (docs/webhooks.md): the organization's default URL and signing secret, and what each delivery attempt met. */
export function outcomeWebhooksRouter(ctx: CallRoutesContext): Router {
  const router = Router();
  const sealer = new SecretSealer(ctx.config);

  const settingsView = async (orgId: string) => {
    const row = await OutcomeWebhookSettings.findById(orgId, { url: 1, enabled: 1, secretPrefix: 1, secretRotatedAt: 1 }).lean();
    return {
      url: row?.url ?? null,
      enabled: row?.enabled ?? false,
      secretPrefix: row?.secretPrefix ?? null,
      secretRotatedAt: row?.secretRotatedAt ? row.secretRotatedAt.toISOString() : null,
    };
  };

  router.get('/webhook-settings', allow('webhooks.read'), async (_req, res) => {
    res.json(await settingsView(principalOf(res).orgId));
  });

  /** The first save makes the signing secret and shows it (201); later saves change the URL and switch only (200). */
  router.put('/webhook-settings', allow('webhooks.manage'), async (req, res) => {
    const request = webhookSettingsRequestSchema.parse(req.body);
    if (request.url !== null) await refuseDisallowedCallbackUrl(ctx.config, 'url', request.url);
    const { orgId } = principalOf(res);
    const madeSecret = await ensureSigningSecret(orgId, sealer, request);
    if (madeSecret === null) await withWriteRetry(() => OutcomeWebhookSettings.updateOne({ _id: orgId }, { $set: request }));
    const view = await settingsView(orgId);
    if (madeSecret === null) {
      res.json(view);
      return;
    }
    res.status(201).json({ ...view, signingSecret: madeSecret });
  });

  /** The old secret stops signing at once: receivers must take the new one before the next event. */
  router.post('/webhook-settings/rotate-secret', allow('webhooks.manage'), async (req, res) => {
    const { currentSecretPrefix } = rotateSecretRequestSchema.parse(req.body ?? {});
    const rotated = await rotateSigningSecret(principalOf(res).orgId, sealer, currentSecretPrefix);
    if (!rotated) {
      const current = (await settingsView(principalOf(res).orgId)).secretPrefix;
      throw new ApiError(409, 'SECRET_PREFIX_MISMATCH', 'currentSecretPrefix does not name the current signing secret (rotated already?)', { currentSecretPrefix: current });
    }
    const { secret, rotatedAt } = rotated;
    res.json({ signingSecret: secret, secretPrefix: signingSecretPrefix(secret), secretRotatedAt: rotatedAt.toISOString() });
  });

  router.get('/calls/:callLogId/webhooks', allow('webhooks.read'), async (req, res) => {
    const { callLogId } = callWebhooksParamsSchema.parse(req.params);
    const principal = principalOf(res);
    const call = await CallLog.findOne({ _id: callLogId, ...scopeOf(principal) }, { callId: 1 }).lean();
    if (!call) throw new ApiError(404, 'CALL_NOT_FOUND', `Call ${callLogId} does not exist`);
    const rows = await OutcomeWebhookDelivery.find({ orgId: principal.orgId, callId: call.callId }).sort({ at: 1, attempt: 1 }).lean();
    res.json({ callLogId, data: rows.map(deliveryView) });
  });

  router.get('/webhook-deliveries', allow('webhooks.read'), async (req, res) => {
    const { page, limit, status, type, callId, campaignId, from, to } = webhookDeliveriesQuerySchema.parse(req.query);
    const filter = {
      orgId: principalOf(res).orgId,
      ...(status && { status }),
      ...(type && { type }),
      ...(callId && { callId }),
      ...(campaignId && { campaignId }),
      ...((from || to) && { at: { ...(from && { $gte: new Date(from) }), ...(to && { $lte: new Date(to) }) } }),
    };
    const [rows, total] = await Promise.all([
      OutcomeWebhookDelivery.find(filter).sort({ at: -1, _id: 1 }).skip((page - 1) * limit).limit(limit).lean(),
      OutcomeWebhookDelivery.countDocuments(filter),
    ]);
    res.json({ data: rows.map(deliveryView), page, limit, total });
  });

  return router;
}

function deliveryView(row: OutcomeWebhookDeliveryRecord) {
  return {
    eventId: row.eventId,
    type: row.type,
    callId: row.callId ?? null,
    campaignId: row.campaignId ?? null,
    url: row.url,
    attempt: row.attempt,
    status: row.status,
    statusCode: row.statusCode ?? null,
    error: row.error ?? null,
    durationMs: row.durationMs ?? null,
    at: row.at.toISOString(),
  };
}
