import { proxyActivities } from '@temporalio/workflow';
import type { CampaignCallActivities } from '../../activities/campaign-calls';
import type { CampaignRecordActivities } from '../../activities/campaign-records';
import type { OutcomeWebhookActivities } from '../../activities/outcome-webhooks';

/**
 * Regular activities, not local ones: a progress write can take seconds while hundreds of calls write
 * too, and a local activity would hold the campaign's workflow task open (and past its timeout) all
 * that time. Writes are batched, so they cost few history events.
 */
export const campaignRecords = proxyActivities<CampaignRecordActivities & CampaignCallActivities>({
  // A batch of writes on FerretDB under load can take minutes (tens of ms per write at 10,000 contacts);
  // a one-minute limit made such a batch time out and start over for ever. Heartbeats catch a dead worker.
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Hands the campaign's end to its webhook delivery workflow. */
export const outcomeWebhooks = proxyActivities<OutcomeWebhookActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
