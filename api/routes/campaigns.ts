import { Router } from 'express';
import {
  batchActionParamsSchema,
  batchIdParamsSchema,
  bulkCallsSchema,
  listBatchesQuerySchema,
  listContactsQuerySchema,
  processFormSchema,
} from '../../domain/api-schemas/campaigns';
import { contactRules } from '../../domain/contact-row';
import { checkBulkCalls } from '../bulk/json-contacts';
import { readContactsCsv } from '../bulk/contacts-csv-reader';
import { receiveCsvUpload } from '../bulk/csv-upload';
import type { CallRoutesContext } from '../call-context';
import { actOnCampaign } from '../campaign-actions';
import { campaignStats, listCampaignContacts, listCampaigns } from '../campaign-lists';
import { agentIsUsable, campaignRequestOf } from '../campaign-settings';
import { campaignCallIds, createCampaign, loadCampaign } from '../campaigns';
import { idempotencyKeyOf } from '../middleware/idempotency-key';
import { ApiError } from '../api-error';

/**
 * Campaigns (the seed's "batches"): from a JSON body or a CSV upload, then followed, paused, resumed
 * and cancelled. Mounted before /calls/:callLogId, which would take "outbound" for an id.
 */
export function campaignsRouter(ctx: CallRoutesContext): Router {
  const router = Router();
  const rules = contactRules(ctx.config);

  router.post('/calls/outbound/bulk', async (req, res) => {
    const body = bulkCallsSchema.parse(req.body);
    if (body.calls.length > ctx.config.BULK_MAX_ROWS) {
      throw new ApiError(413, 'TOO_MANY_ROWS', `A bulk request takes at most ${ctx.config.BULK_MAX_ROWS} calls`, { maxRows: ctx.config.BULK_MAX_ROWS });
    }
    const { calls, ...settings } = body;
    const request = await campaignRequestOf(ctx.config, settings, 'json');
    const contacts = checkBulkCalls(calls, { rules, defaultAgentId: request.agentId, agentExists: agentIsUsable });
    const { view, replay } = await createCampaign(ctx, request, contacts, idempotencyKeyOf(req));
    res.status(replay ? 200 : 202).json({
      ...view,
      totals: { requested: calls.length, accepted: view.progress.total, rejected: view.rowErrorCount },
      callIds: campaignCallIds(view.campaignId, view.progress.total),
      statusUrl: `/api/v1/bulk/batches/${view.batchId}`,
      ...(replay && { idempotentReplay: true }),
    });
  });

  router.post('/bulk/import/process', async (req, res) => {
    const upload = await receiveCsvUpload(req, { maxBytes: ctx.config.BULK_MAX_UPLOAD_BYTES });
    const form = Object.keys(upload.fields).length > 0 ? upload.fields : (req.query as Record<string, string>);
    let settings;
    let request;
    try {
      settings = processFormSchema.parse(form);
      request = await campaignRequestOf(ctx.config, settings, 'csv');
    } catch (err) {
      // Refused before reading the file: the rest of the upload is discarded so the answer reaches the client.
      upload.file.resume();
      throw err;
    }
    const contacts = readContactsCsv(upload.file, {
      rules,
      maxRows: ctx.config.BULK_MAX_ROWS,
      maxBytes: ctx.config.BULK_MAX_UPLOAD_BYTES,
      defaultAgentId: request.agentId,
      agentExists: agentIsUsable,
    });
    const { view, replay } = await createCampaign(ctx, { ...request, name: settings.name ?? (upload.filename || request.name) }, contacts, idempotencyKeyOf(req));
    res.status(replay ? 200 : 202).json({
      ...view,
      totals: { rows: view.progress.total + view.rowErrorCount, accepted: view.progress.total, rejected: view.rowErrorCount },
      statusUrl: `/api/v1/bulk/batches/${view.batchId}`,
      ...(replay && { idempotentReplay: true }),
    });
  });

  router.get('/bulk/batches', async (req, res) => {
    res.json(await listCampaigns(listBatchesQuerySchema.parse(req.query)));
  });

  router.get('/bulk/stats', async (_req, res) => {
    res.json(await campaignStats());
  });

  router.get('/bulk/batches/:batchId', async (req, res) => {
    const { batchId } = batchIdParamsSchema.parse(req.params);
    res.json(await loadCampaign(ctx, batchId));
  });

  router.get('/bulk/batches/:batchId/contacts', async (req, res) => {
    const { batchId } = batchIdParamsSchema.parse(req.params);
    res.json(await listCampaignContacts(batchId, listContactsQuerySchema.parse(req.query)));
  });

  router.post('/bulk/batches/:batchId/:action', async (req, res) => {
    const { batchId, action } = batchActionParamsSchema.parse(req.params);
    res.json(await actOnCampaign(ctx, batchId, action));
  });

  return router;
}
