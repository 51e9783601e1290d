import type { SearchAttributePair } from '@temporalio/common';
import { AGENT_ID_KEY, ATTEMPT_KEY, CALL_STATUS_KEY, CAMPAIGN_ID_KEY, PHONE_LAST4_KEY, SERIES_ID_KEY } from './call-search-attributes';
import type { CallWorkflowInput } from './call-workflow-types';
import { windowSettingsForCallee } from './call-window-settings';
import { lastFourDigits } from './phone-mask';

/**
 * The one builder of a `callWorkflow`'s input and of the search attributes it starts with, shared by
 * every source of calls (the API's single and scheduled calls, campaigns, series), so that a call looks
 * the same in the Temporal UI and runs the same whoever started it.
 */

/** What every call of one source shares: a deployment's settings, a campaign's template, a series' template. */
export type CallSettings = Pick<
  CallWorkflowInput,
  | 'orgId'
  | 'priority'
  | 'exotelAccount'
  | 'exotelTaskQueue'
  | 'retryPolicy'
  | 'callingWindow'
  | 'dndCheck'
  | 'ringTimeoutSec'
  | 'timings'
  | 'prewarmLeadMs'
  | 'firstAttemptRow'
  | 'callbackUrl'
>;

/** What one call adds to its source's settings; a `timezone` and `legalTimezones` move the settings' calling window to the callee's zones. */
export type CallTarget = Pick<CallWorkflowInput, 'callId' | 'phoneNumber' | 'agentId' | 'maxCallDurationSec'> &
  Partial<Pick<CallWorkflowInput, 'priority' | 'metadata' | 'scheduledFor' | 'campaignId' | 'seriesId' | 'scheduledCallId' | 'record' | 'ttsProvider'>> & {
    timezone?: string | null;
    legalTimezones?: string[];
  };

export function callWorkflowInput(settings: CallSettings, target: CallTarget): CallWorkflowInput {
  const { timezone, legalTimezones, ...call } = target;
  const callingWindow = settings.callingWindow && windowSettingsForCallee(settings.callingWindow, { timezone: timezone ?? null, legalTimezones });
  return withoutUndefined({ ...settings, ...call, priority: call.priority ?? settings.priority, callingWindow });
}

/** How a call starts out: waiting for its own time, or for a line at once. */
export type InitialCallStatus = 'scheduled' | 'waiting_for_line';

/** A call as its source hands it to whoever starts its workflow. */
export interface CallStart {
  input: CallWorkflowInput;
  status: InitialCallStatus;
}

/** What ops can filter a new call by in the Temporal UI before its workflow has run a single step. */
export function initialCallSearchAttributes(input: CallWorkflowInput, status: InitialCallStatus): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [
    { key: CALL_STATUS_KEY, value: status },
    { key: AGENT_ID_KEY, value: input.agentId },
    { key: PHONE_LAST4_KEY, value: lastFourDigits(input.phoneNumber) },
    { key: ATTEMPT_KEY, value: 1 },
  ];
  if (input.campaignId) pairs.push({ key: CAMPAIGN_ID_KEY, value: input.campaignId });
  if (input.seriesId) pairs.push({ key: SERIES_ID_KEY, value: input.seriesId });
  return pairs;
}

/** Absent, not `undefined`: workflow inputs are compared and stored as JSON, where the two differ. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
