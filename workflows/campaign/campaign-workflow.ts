import { condition, setHandler, workflowInfo } from '@temporalio/workflow';
import type { CampaignStatus, CampaignWorkflowInput } from '../../domain/campaign-types';
import { campaignCallFinishedSignal, campaignStatusQuery, cancelCampaignUpdate, pauseCampaignUpdate, resumeCampaignUpdate } from '../messages';
import { campaignRecords } from './activities';
import { Campaign } from './campaign';
import { ContactPages } from './contact-pages';

const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_CONTACTS_PER_RUN = 1_000;

/**
 * A list of contacts called as one durable campaign (`campaign-<campaignId>`): wait for its start →
 * read a page of contacts → start each as a `callWorkflow` of its own (`call-<campaignId>-<n>`) as
 * the throttle allows → count the outcomes the calls signal back → finish when every call has ended.
 * The call's workflow id is the exactly-once guarantee: a contact dispatched before a crash or a
 * continue-as-new cannot be dialled a second time.
 */
export async function campaignWorkflow(input: CampaignWorkflowInput): Promise<CampaignStatus> {
  const campaign = new Campaign(input);
  const validator = () => campaign.refuseIfFinished();
  setHandler(campaignStatusQuery, () => campaign.view());
  setHandler(campaignCallFinishedSignal, (call) => campaign.settle(call));
  setHandler(pauseCampaignUpdate, () => campaign.pause(), { validator });
  setHandler(resumeCampaignUpdate, () => campaign.resume(), { validator });
  setHandler(cancelCampaignUpdate, () => campaign.cancel(), { validator });

  if (campaign.waitingForStart && campaign.startsAt) await campaign.waitForStartTime(campaign.startsAt);
  if (!input.state && !campaign.cancelRequested) await campaignRecords.markCampaignStarted(input.campaignId);

  const { state } = campaign;
  const contactsPerRun = input.contactsPerRun ?? DEFAULT_CONTACTS_PER_RUN;
  const pages = new ContactPages(input.campaignId, input.pageSize ?? DEFAULT_PAGE_SIZE, input.total);
  let dispatchedThisRun = 0;
  while (!campaign.cancelRequested && state.nextSeq < input.total) {
    await campaign.waitFor(() => !state.paused);
    if (campaign.status === 'paused' && !state.paused) campaign.status = 'running';
    if (campaign.cancelRequested) break;
    if (dispatchedThisRun >= contactsPerRun || workflowInfo().continueAsNewSuggested) return campaign.continueAsNew();

    const page = await pages.from(state.nextSeq, contactsPerRun - dispatchedThisRun);
    if (page.length === 0) {
      campaign.withdrawMissing();
      break;
    }
    await campaign.waitFor(() => state.paused || campaign.hasRoomFor(page[0]));
    if (campaign.cancelRequested) break;
    if (state.paused) continue;

    const batch = campaign.batchFrom(page, contactsPerRun - dispatchedThisRun);
    pages.consume(batch.length);
    await campaign.dispatch(batch);
    dispatchedThisRun += batch.length;
    if (state.throttle.delayBetweenCallsMs > 0 && state.nextSeq < input.total) {
      await condition(() => campaign.cancelRequested, state.throttle.delayBetweenCallsMs);
    }
  }
  return campaign.finish();
}
