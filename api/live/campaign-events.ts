import type { CampaignProgressEvent } from '../../domain/api-schemas/live-events';
import { isFinalCampaignStatus } from '../../domain/campaign-progress';
import type { CallRoutesContext } from '../call-context';
import { loadCampaign } from '../campaigns';
import type { EventStream } from './event-stream';
import type { WatchedState } from './shared-watch';

export interface CampaignState extends WatchedState {
  progress: CampaignProgressEvent;
}

/**
 * The campaign as `GET /bulk/batches/:batchId` reads it (workflow query while it runs), without its row
 * errors. When the running workflow does not answer in time, the stored figures lag behind the ones
 * already sent: those stand until it answers again, so a stream never goes backwards. It has finished
 * once its record says so (the workflow writes the final status, figures and `completedAt` together),
 * not when the workflow's query first answers a final status ahead of that write.
 */
export async function readCampaignState(
  ctx: Pick<CallRoutesContext, 'temporal' | 'timeouts' | 'logger'>,
  orgId: string,
  campaignId: string,
  previous: CampaignState | undefined,
): Promise<CampaignState> {
  const view = await loadCampaign(ctx, orgId, campaignId, false);
  const finished = isFinalCampaignStatus(view.status) && !view.live;
  if (!view.live && !finished && previous?.progress.live) return previous;
  const progress: CampaignProgressEvent = {
    batchId: view.batchId,
    status: view.status,
    progress: view.progress,
    startedAt: view.startedAt,
    completedAt: view.completedAt,
    live: view.live,
  };
  return { progress, finished };
}

/** One stream's view: `progress` whenever the figures change, then `end` with the final ones. */
export function campaignStreamListener(stream: EventStream): (state: CampaignState) => void {
  let sent = '';
  return (state) => {
    if (state.finished) {
      stream.send({ event: 'end', data: state.progress });
      stream.close();
      return;
    }
    const progress = JSON.stringify(state.progress);
    if (progress === sent) return;
    sent = progress;
    stream.send({ event: 'progress', data: state.progress });
  };
}
