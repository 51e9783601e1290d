import type { SearchAttributePair } from '@temporalio/common';
import { AGENT_ID_KEY, CALL_STATUS_KEY, CAMPAIGN_ID_KEY, PHONE_LAST4_KEY } from './call-search-attributes';
import type { CallWorkflowInput } from './call-workflow-types';
import { lastFourDigits } from './phone-mask';

/** One contact's call as its campaign starts it. */
export interface CampaignCallStart {
  input: CallWorkflowInput & { campaignId: string };
  /** Waits for its own time (a contact with a scheduled time) rather than for a line. */
  scheduled: boolean;
}

/** What the Temporal UI filters a campaign's calls by, set from the call's first moment. */
export function campaignCallSearchAttributes(call: CampaignCallStart): SearchAttributePair[] {
  return [
    { key: CALL_STATUS_KEY, value: call.scheduled ? 'scheduled' : 'waiting_for_line' },
    { key: AGENT_ID_KEY, value: call.input.agentId },
    { key: CAMPAIGN_ID_KEY, value: call.input.campaignId },
    { key: PHONE_LAST4_KEY, value: lastFourDigits(call.input.phoneNumber) },
  ];
}
