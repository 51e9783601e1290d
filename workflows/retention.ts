import { proxyActivities } from '@temporalio/workflow';
import type { RetentionActivities } from '../activities/retention';
import { retentionCutoff, type RetentionInput, type RetentionResult } from '../domain/retention';

const { purgeExpiredPersonalData } = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '5 minutes' },
});
const { recordRetentionRun } = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * Started by the `ringline-retention` Temporal Schedule (workers/retention-schedule.ts): clears the
 * personal data of records older than the retention period, then audits what it cleared.
 */
export async function retentionWorkflow(input: RetentionInput): Promise<RetentionResult> {
  const cutoff = retentionCutoff(Date.now(), input.retentionDays).toISOString();
  const counts = await purgeExpiredPersonalData({ cutoff, batchSize: input.batchSize });
  const result: RetentionResult = { cutoff, ...counts };
  await recordRetentionRun(result);
  return result;
}
