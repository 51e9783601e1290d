import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptionsStartWorkflowAction, type ScheduleSpec } from '@temporalio/client';
import type { Config } from '../domain/config';
import { RETENTION_SCHEDULE_ID, type RetentionInput } from '../domain/retention';
import type { Logger } from '../lib/logger';
import type { retentionWorkflow } from '../workflows/retention';

type RetentionConfig = Pick<Config, 'RETENTION_DAYS' | 'RETENTION_EVERY_HOURS' | 'RETENTION_BATCH_SIZE' | 'TEMPORAL_TASK_QUEUE'>;

/**
 * Creates the retention Schedule, or brings an existing one in line with the configuration: every
 * worker calls this at start, so the last one started wins, and a changed RETENTION_DAYS takes effect
 * on the next deploy. A run still going when the next is due is not doubled (overlap SKIP).
 */
export async function ensureRetentionSchedule(client: Client, config: RetentionConfig, logger: Logger): Promise<void> {
  const input: RetentionInput = { retentionDays: config.RETENTION_DAYS, batchSize: config.RETENTION_BATCH_SIZE };
  const spec: ScheduleSpec = { intervals: [{ every: `${config.RETENTION_EVERY_HOURS}h` }] };
  const action: ScheduleOptionsStartWorkflowAction<typeof retentionWorkflow> = {
    type: 'startWorkflow',
    workflowType: 'retentionWorkflow',
    workflowId: 'retention',
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [input],
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' };
  try {
    await client.schedule.create({ scheduleId: RETENTION_SCHEDULE_ID, spec, action, policies });
    logger.info({ scheduleId: RETENTION_SCHEDULE_ID, ...input, everyHours: config.RETENTION_EVERY_HOURS }, 'retention schedule created');
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(RETENTION_SCHEDULE_ID).update((previous) => ({ ...previous, spec, action, policies }));
    logger.info({ scheduleId: RETENTION_SCHEDULE_ID, ...input, everyHours: config.RETENTION_EVERY_HOURS }, 'retention schedule updated');
  }
}
