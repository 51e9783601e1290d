import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { ExotelActivities } from '../../activities/exotel';
import type { GreetingPrewarmActivities } from '../../activities/greeting-prewarm';
import type { LineGateActivities } from '../../activities/line-gate';
import type { MediaControlActivities } from '../../activities/media-control';
import type { OutcomeWebhookActivities } from '../../activities/outcome-webhooks';
import type { RecordActivities } from '../../activities/records';
import type { ScheduleRecordActivities } from '../../activities/schedule-records';
import type { WorkflowSignalActivities } from '../../activities/workflow-signals';
import { DATABASE_WRITE_OPTIONS, GREETING_PREWARM_OPTIONS } from '../activity-options';

/** The activities a call workflow runs, with the retry each can afford. */

export const records = proxyLocalActivities<RecordActivities>(DATABASE_WRITE_OPTIONS);
export const scheduleRecords = proxyLocalActivities<ScheduleRecordActivities>(DATABASE_WRITE_OPTIONS);
/** Hands an outcome to its webhook delivery workflow; retried like a record, so no outcome goes unannounced. */
export const outcomeWebhooks = proxyLocalActivities<OutcomeWebhookActivities>(DATABASE_WRITE_OPTIONS);

export const lineRequests = proxyLocalActivities<LineGateActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** A signal that cannot be delivered is logged: the gate's lease and the campaign's audit cover it. */
export const signals = proxyLocalActivities<WorkflowSignalActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 5, initialInterval: '200 milliseconds', maximumInterval: '5 seconds' },
});

export const mediaControl = proxyActivities<MediaControlActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 5, initialInterval: '500 milliseconds' },
});

export const prewarming = proxyActivities<GreetingPrewarmActivities>(GREETING_PREWARM_OPTIONS);

/** Exotel activities run on their own, rate-limited task queue. */
export function exotelActivities(taskQueue: string) {
  const dial = proxyActivities<ExotelActivities>({
    taskQueue,
    startToCloseTimeout: '30 seconds',
    // Never re-run a dial: a retry could ring the customer twice.
    retry: { maximumAttempts: 1 },
  });
  const details = proxyActivities<ExotelActivities>({
    taskQueue,
    startToCloseTimeout: '20 seconds',
    retry: { maximumAttempts: 5, initialInterval: '2 seconds', maximumInterval: '30 seconds' },
  });
  return { dialAttempt: dial.dialAttempt, fetchCallDetails: details.fetchCallDetails, checkDnd: details.checkDnd };
}

export type ExotelCalls = ReturnType<typeof exotelActivities>;
