import { once } from 'node:events';
import { Router } from 'express';
import { allow, principalOf } from '../access/route-access';
import {
  batchActionParamsSchema,
  batchIdParamsSchema,
  bulkCallsSchema,
  listBatchesQuerySchema,
  listContactsQuerySchema,
  processFormSchema,
} from '../../domain/api-schemas/campaigns';
import { callingPolicyFor } from '../../domain/calling-policy';
import { contactRules } from '../../domain/contact-row';
import { checkBulkCalls } from '../bulk/json-contacts';
import { readContactsCsv } from '../bulk/contacts-csv-reader';
import { receiveCsvUpload } from '../bulk/csv-upload';
import type { CallRoutesContext } from '../call-context';
import { actOnCampaign } from '../campaign-actions';
import { campaignStats, exportCampaignContacts, listCampaignContacts, listCampaigns } from '../campaign-lists';
import { agentIsUsableIn, campaignRequestOf } from '../campaign-settings';
import { campaignCallIds, createCampaign, loadCampaign } from '../campaigns';
import { idempotencyKeyOf } from '../middleware/idempotency-key';
import { ApiError } from '../api-error';

/**
 * Campaigns (the seed's "batches"): from a JSON body or a CSV upload, then followed, paused, resumed
 * and cancelled. Mounted before /calls/:callLogId, which would take "outbound" for an id.
 */
export function campaignsRouter(ctx: CallRoutesContext): Router {
  const router = Router();
  const rulesFor = (orgId: string, requestTimezone: string | undefined) =>
    contactRules(ctx.config, callingPolicyFor(ctx.config, orgId), requestTimezone ?? null);

  router.post('/calls/outbound/bulk', allow('campaigns.write'), async (req, res) => {
    const body = bulkCallsSchema.parse(req.body);
    if (body.calls.length > ctx.config.BULK_MAX_ROWS) {
      throw new ApiError(413, 'TOO_MANY_ROWS', `A bulk request takes at most ${ctx.config.BULK_MAX_ROWS} calls`, { maxRows: ctx.config.BULK_MAX_ROWS });
    }
    const { calls, ...settings } = body;
    const { orgId } = principalOf(res);
    const request = await campaignRequestOf(ctx.config, orgId, settings, 'json');
    const contacts = checkBulkCalls(calls, { rules: rulesFor(orgId, settings.timezone), defaultAgentId: request.agentId, agentExists: agentIsUsableIn(orgId) });
    const { view, replay } = await createCampaign(ctx, orgId, request, contacts, idempotencyKeyOf(req));
    res.status(replay ? 200 : 202).json({
      ...view,
      totals: { requested: calls.length, accepted: view.progress.total, rejected: view.rowErrorCount },
      callIds: campaignCallIds(view.campaignId, view.progress.total),
      statusUrl: `/api/v1/bulk/batches/${view.batchId}`,
      ...(replay && { idempotentReplay: true }),
    });
  });

  router.post('/bulk/import/process', allow('campaigns.write'), async (req, res) => {
    const { orgId } = principalOf(res);
    const upload = await receiveCsvUpload(req, { maxBytes: ctx.config.BULK_MAX_UPLOAD_BYTES });
    const form = Object.keys(upload.fields).length > 0 ? upload.fields : (req.query as Record<string, string>);
    let settings;
    let request;
    try {
      settings = processFormSchema.parse(form);
      request = await campaignRequestOf(ctx.config, orgId, settings, 'csv');
    } catch (err) {
      // Refused before reading the file: the rest of the upload is discarded so the answer reaches the client.
      upload.file.resume();
      throw err;
    }
    const contacts = readContactsCsv(upload.file, {
      rules: rulesFor(orgId, settings.timezone),
      maxRows: ctx.config.BULK_MAX_ROWS,
      maxBytes: ctx.config.BULK_MAX_UPLOAD_BYTES,
      defaultAgentId: request.agentId,
      agentExists: agentIsUsableIn(orgId),
    });
    const { view, replay } = await createCampaign(ctx, orgId, { ...request, name: settings.name ?? (upload.filename || request.name) }, contacts, idempotencyKeyOf(req));
    res.status(replay ? 200 : 202).json({
      ...view,
      totals: { rows: view.progress.total + view.rowErrorCount, accepted: view.progress.total, rejected: view.rowErrorCount },
      statusUrl: `/api/v1/bulk/batches/${view.batchId}`,
      ...(replay && { idempotentReplay: true }),
    });
  });

  router.get('/bulk/batches', allow('campaigns.read'), async (req, res) => {
    res.json(await listCampaigns({ ...listBatchesQuerySchema.parse(req.query), orgId: principalOf(res).orgId }));
  });

  router.get('/bulk/stats', allow('campaigns.read'), async (_req, res) => {
    res.json(await campaignStats(principalOf(res).orgId));
  });

  router.get('/bulk/batches/:batchId', allow('campaigns.read'), async (req, res) => {
    const { batchId } = batchIdParamsSchema.parse(req.params);
    res.json(await loadCampaign(ctx, principalOf(res).orgId, batchId));
  });

  router.get('/bulk/batches/:batchId/contacts', allow('campaigns.read'), async (req, res) => {
    const { batchId } = batchIdParamsSchema.parse(req.params);
    res.json(await listCampaignContacts(principalOf(res).orgId, batchId, listContactsQuerySchema.parse(req.query), ctx.config.CONTACT_VARIABLES_IN_CLEAR));
  });

  router.get('/bulk/batches/:batchId/contacts/export', allow('campaigns.read'), async (req, res) => {
    const { batchId } = batchIdParamsSchema.parse(req.params);
    const lines = exportCampaignContacts(principalOf(res).orgId, batchId, ctx.config.CONTACT_VARIABLES_IN_CLEAR);
    // The first line is awaited before the headers go out, so an unknown batch is still a clean 404.
    const first = await lines.next();
    res.attachment(`${batchId}-contacts.csv`).type('text/csv');
    if (!first.done) res.write(first.value);
    for await (const line of lines) if (!res.write(line)) await once(res, 'drain');
    res.end();
  });

  router.post('/bulk/batches/:batchId/:action', allow('campaigns.write'), async (req, res) => {
    const { batchId, action } = batchActionParamsSchema.parse(req.params);
    res.json(await actOnCampaign(ctx, principalOf(res).orgId, batchId, action));
  });

  return router;
}
