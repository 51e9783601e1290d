import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { waitUntil } from './wait-until';

export interface PolledQueue {
  name: string;
  kind: 'workflow' | 'activity';
}

const TYPES = {
  workflow: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  activity: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
};

/**
 * Waits until a worker polls each queue. Worker processes take seconds to start (tsx, the workflow
 * bundle), and until they poll, work sent to a queue only waits; a poller seen recently is a live worker.
 */
export async function waitForPollers(
  connection: Pick<Connection, 'workflowService'>,
  namespace: string,
  queues: readonly PolledQueue[],
  { timeoutMs = 90_000 }: { timeoutMs?: number } = {},
): Promise<void> {
  for (const queue of queues) {
    await waitUntil(
      `a worker polling ${queue.name} (${queue.kind} tasks)`,
      async () => {
        const described = await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: queue.name }, taskQueueType: TYPES[queue.kind] });
        return (described.pollers ?? []).length > 0;
      },
      { timeoutMs, intervalMs: 200 },
    );
  }
}
