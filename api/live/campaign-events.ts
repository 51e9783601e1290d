import type { CampaignProgressEvent } from '../../domain/api-schemas/live-events';
import { isFinalCampaignStatus } from '../../domain/campaign-progress';
import type { CallRoutesContext } from '../call-context';
import { loadCampaign } from '../campaigns';
import type { EventStream } from './event-stream';
import type { WatchedState } from './shared-watch';

export interface CampaignState extends WatchedState {
  progress: CampaignProgressEvent;
}

/** The campaign as `GET /bulk/batches/:batchId` reads it (workflow query while it runs), without its row errors. */
export async function readCampaignState(ctx: Pick<CallRoutesContext, 'temporal' | 'timeouts' | 'logger'>, orgId: string, campaignId: string): Promise<CampaignState> {
  const view = await loadCampaign(ctx, orgId, campaignId, false);
  const progress: CampaignProgressEvent = {
    batchId: view.batchId,
    status: view.status,
    progress: view.progress,
    startedAt: view.startedAt,
    completedAt: view.completedAt,
    live: view.live,
  };
  return { progress, finished: isFinalCampaignStatus(view.status) };
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
