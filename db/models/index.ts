export { Agent } from './agent';
export { CallLog } from './call-log';
export { Campaign } from './campaign';
export { CampaignContact } from './campaign-contact';
export { DndLookup } from './dnd-lookup';
export { RecurrenceSeries } from './recurrence-series';
export { RetryAttempt } from './retry-attempt';
export { ScheduledCall } from './scheduled-call';
