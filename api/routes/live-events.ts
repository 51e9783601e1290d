import { Router } from 'express';
import { CallLog } from '../../db/models/call-log';
import { Campaign } from '../../db/models/campaign';
import { scopeOf } from '../../domain/access-control';
import { callLogIdParamsSchema } from '../../domain/api-schemas/calls';
import { batchIdParamsSchema } from '../../domain/api-schemas/campaigns';
import { lastEventIdHeaderSchema } from '../../domain/api-schemas/live-events';
import { parseTurnEventId } from '../../domain/turn-event-id';
import { allow, principalOf } from '../access/route-access';
import { ApiError } from '../api-error';
import type { CallRoutesContext } from '../call-context';
import { callStreamListener, readCallState, type CallState } from '../live/call-events';
import { campaignStreamListener, readCampaignState, type CampaignState } from '../live/campaign-events';
import type { LiveUpdates } from '../live/live-updates';

/**
 * Server-sent event streams of a call and of a campaign (docs/api.md, "Live updates"). Each route has
 * the permission of its read route and finds its subject the same way, scoped to the key's
 * organization (and an agent key's agents), so a key that cannot read a call or campaign gets the same
 * 404 here; the refusal comes as a plain JSON answer, before any stream starts.
 */
export function liveEventsRouter(ctx: CallRoutesContext, live: LiveUpdates): Router {
  const router = Router();

  router.get('/calls/:callLogId/events', allow('calls.read'), async (req, res) => {
    const { callLogId } = callLogIdParamsSchema.parse(req.params);
    const { 'last-event-id': lastEventId } = lastEventIdHeaderSchema.parse(req.headers);
    const principal = principalOf(res);
    const row = await CallLog.findOne({ ...scopeOf(principal), _id: callLogId }, { callId: 1 }).lean();
    if (!row) throw new ApiError(404, 'CALL_NOT_FOUND', `Call ${callLogId} does not exist`);
    const subject = { orgId: principal.orgId, callId: row.callId, callLogId: row.callId };
    const stream = live.openStream(principal, res);
    live.follow<CallState>(
      `call:${subject.orgId}:${subject.callId}`,
      (previous) => readCallState(ctx.temporal, ctx.timeouts.queryMs, subject, previous),
      stream,
      callStreamListener(stream, parseTurnEventId(lastEventId)),
    );
  });

  router.get('/bulk/batches/:batchId/events', allow('campaigns.read'), async (req, res) => {
    const { batchId } = batchIdParamsSchema.parse(req.params);
    const { orgId } = principalOf(res);
    const row = await Campaign.findOne({ _id: batchId, orgId }, { status: 1 }).lean();
    if (!row || row.status === 'importing') throw new ApiError(404, 'BATCH_NOT_FOUND', `Batch ${batchId} does not exist`);
    const stream = live.openStream(principalOf(res), res);
    live.follow<CampaignState>(`campaign:${orgId}:${batchId}`, (previous) => readCampaignState(ctx, orgId, batchId, previous), stream, campaignStreamListener(stream));
  });

  return router;
}
