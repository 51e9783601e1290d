import type { SearchAttributePair, TypedSearchAttributes } from '@temporalio/common';
import { AGENT_ID_KEY, ATTEMPT_KEY, CALL_STATUS_KEY, CAMPAIGN_ID_KEY, PHONE_LAST4_KEY } from '../domain/call-search-attributes';
import type { CallStatus } from '../domain/call-status';
import { lastFourDigits } from '../domain/phone-mask';

/** What ops can filter a new call by in the Temporal UI before its workflow has run a single step. */
export function initialCallSearchAttributes(call: {
  status: CallStatus;
  agentId: string;
  phoneNumber: string;
  campaignId?: string;
}): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [
    { key: CALL_STATUS_KEY, value: call.status },
    { key: AGENT_ID_KEY, value: call.agentId },
    { key: PHONE_LAST4_KEY, value: lastFourDigits(call.phoneNumber) },
    { key: ATTEMPT_KEY, value: 1 },
  ];
  if (call.campaignId) pairs.push({ key: CAMPAIGN_ID_KEY, value: call.campaignId });
  return pairs;
}

export function callStatusSearchAttribute(attributes: TypedSearchAttributes): string | undefined {
  return attributes.get(CALL_STATUS_KEY);
}
