import type { UpdateDefinition } from '@temporalio/common';
import { Campaign } from '../db/models/campaign';
import { withWriteRetry } from '../db/transient-write-error';
import type { CampaignStatusView } from '../domain/campaign-types';
import { cancelCampaignUpdate, campaignWorkflowId, pauseCampaignUpdate, resumeCampaignUpdate } from '../workflows/messages';
import { ApiError } from './api-error';
import type { CallRoutesContext } from './call-context';
import { loadCampaign, type CampaignView } from './campaigns';
import { runWorkflowUpdate } from './workflow-updates';

export type CampaignAction = 'pause' | 'resume' | 'cancel';

const UPDATES: Record<CampaignAction, UpdateDefinition<CampaignStatusView, []>> = {
  pause: pauseCampaignUpdate,
  resume: resumeCampaignUpdate,
  cancel: cancelCampaignUpdate,
};

/**
 * Pause, resume or cancel: the workflow decides (a finished campaign refuses) and answers its new
 * state; a pause or resume is written to the row at once so a list read right after shows it.
 */
export async function actOnCampaign(ctx: CallRoutesContext, orgId: string, campaignId: string, action: CampaignAction): Promise<CampaignView> {
  const before = await loadCampaign(ctx, orgId, campaignId);
  const notRunning = new ApiError(409, 'BATCH_FINISHED', `Batch ${campaignId} is ${before.status}`);
  if (before.status === 'completed' || before.status === 'cancelled') throw notRunning;
  const state = await runWorkflowUpdate(ctx.temporal, campaignWorkflowId(campaignId), UPDATES[action], [], {
    timeoutMs: ctx.timeouts.writeMs,
    refusals: { CAMPAIGN_FINISHED: 409 },
    notRunning,
  });
  // A cancelled campaign still has calls to withdraw and to hear back from: its workflow writes the final
  // state when that is done, and until then the row must not look finished (reads would stop asking it).
  if (action !== 'cancel') await withWriteRetry(() => Campaign.updateOne({ _id: campaignId }, { $set: { status: state.status } }));
  ctx.logger.info({ campaignId, action, status: state.status }, 'campaign action');
  return { ...(await loadCampaign(ctx, orgId, campaignId)), status: state.status };
}
