import type { Client } from '@temporalio/client';
import type { Config } from '../domain/config';
import { createCampaignCallActivities } from './campaign-calls';
import { createCampaignRecordActivities } from './campaign-records';
import { createGreetingPrewarmActivities } from './greeting-prewarm';
import { createLineGateActivities } from './line-gate';
import { createMediaControlActivities } from './media-control';
import { createOrgCallLimitActivities } from './org-call-limits';
import { createOutcomeWebhookActivities } from './outcome-webhooks';
import { createRecordActivities } from './records';
import { createRetentionActivities } from './retention';
import { createScheduleRecordActivities } from './schedule-records';
import { createWorkflowLookupActivities } from './workflow-lookup';
import { createWorkflowSignalActivities } from './workflow-signals';

/** Activities of the general `ringline` queue: database writes, the line gate and the signals calls send, media control, prewarming, retention, the organizations' call guards and outcome webhooks. */
export function createGeneralActivities(client: Client, config: Config) {
  return {
    ...createRecordActivities(),
    ...createLineGateActivities(
      client,
      config.TEMPORAL_GATE_TASK_QUEUE,
      { failureThreshold: config.EXOTEL_CIRCUIT_FAILURES, openMs: config.EXOTEL_CIRCUIT_OPEN_SEC * 1000 },
      () => config.MAX_CONCURRENT_CALLS,
    ),
    ...createMediaControlActivities(config.MEDIA_TOKEN_SECRET, [config.MEDIA_CONTROL_URL, ...config.MEDIA_CONTROL_ALLOWED_URLS]),
    ...createScheduleRecordActivities(),
    ...createGreetingPrewarmActivities(config.MEDIA_CONTROL_URL, config.MEDIA_TOKEN_SECRET),
    ...createWorkflowLookupActivities(client),
    ...createOrgCallLimitActivities(config),
    ...createCampaignRecordActivities(),
    ...createCampaignCallActivities(client),
    ...createWorkflowSignalActivities(client),
    ...createRetentionActivities(),
    ...createOutcomeWebhookActivities(client, config),
  };
}
