/** Every workflow the `ringline` worker runs; the worker bundles this module for its sandbox. */
export { callWorkflow } from './call/call-workflow';
export { lineGateWorkflow } from './line-gate';
export { recurrenceWorkflow } from './recurrence';
export { campaignWorkflow } from './campaign/campaign-workflow';
export { retentionWorkflow } from './retention';
export { outcomeWebhooksWorkflow } from './outcome-webhooks';
