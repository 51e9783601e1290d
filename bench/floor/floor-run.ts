import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import type { BenchInfra } from '../bench-infra';
import { percentile, rate } from '../figures';
import { historyCost, type HistoryCost } from '../history-cost';
import { createFloorActivities } from './floor-activities';
import { floorCallWorkflow } from './floor-workflow';
import { FAILURE_CONVERTER_PATH } from '../../lib/temporal-connection';

export interface FloorResult {
  calls: number;
  startsPerSec: number;
  dialsPerSec: number;
  completionsPerSec: number;
  startToDoneP50Ms: number;
  startToDoneP99Ms: number;
  signalErrors: number;
  /** Read from the first floor workflow's history. */
  cost: HistoryCost;
}

/**
 * `calls` floor workflows started straight through the Temporal client, `concurrency` starts at a time
 * (as the benchmark's API callers do), on the same dev server and with the same worker settings as
 * Ringline's run: Temporal's own ceiling for a dial-and-webhook workflow on this machine.
 */
export async function runFloor(infra: BenchInfra, calls: number, concurrency: number): Promise<FloorResult> {
  const taskQueue = 'bench-floor';
  const dialQueue = 'bench-floor-dial';
  let signalErrors = 0;
  const dialedAt: number[] = [];
  const activities = createFloorActivities(
    infra.client,
    () => dialedAt.push(Date.now()),
    () => signalErrors++,
  );
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./floor-workflow'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: new DefaultLogger('ERROR'),
  });
  const workflows = await Worker.create({
    connection: infra.nativeConnection,
    taskQueue,
    workflowBundle,
    dataConverter: infra.dataConverter,
    maxConcurrentWorkflowTaskExecutions: 200,
  });
  const dials = await Worker.create({ connection: infra.nativeConnection, taskQueue: dialQueue, dataConverter: infra.dataConverter, activities, maxConcurrentActivityTaskExecutions: 400 });
  const running = [workflows.run(), dials.run()];
  const startedAt: number[] = [];
  const doneAt: number[] = [];
  const startToDone: number[] = [];
  try {
    const finishing: Promise<void>[] = [];
    let next = 0;
    const startMore = async () => {
      while (next < calls) {
        const i = next++;
        const t0 = Date.now();
        const handle = await infra.client.workflow.start(floorCallWorkflow, { taskQueue, workflowId: `floor-${process.pid}-${i}`, args: [dialQueue] });
        startedAt.push(Date.now());
        finishing.push(
          handle.result().then(() => {
            doneAt.push(Date.now());
            startToDone.push(Date.now() - t0);
          }),
        );
      }
    };
    await Promise.all(Array.from({ length: concurrency }, startMore));
    await Promise.all(finishing);
  } finally {
    workflows.shutdown();
    dials.shutdown();
    await Promise.all(running);
  }
  const firstHistory = await infra.client.workflow.getHandle(`floor-${process.pid}-0`).fetchHistory();
  return {
    calls,
    startsPerSec: rate(startedAt.sort((a, b) => a - b)),
    dialsPerSec: rate(dialedAt.sort((a, b) => a - b)),
    completionsPerSec: rate(doneAt.sort((a, b) => a - b)),
    startToDoneP50Ms: percentile(startToDone, 50),
    startToDoneP99Ms: percentile(startToDone, 99),
    signalErrors,
    cost: historyCost(firstHistory.events ?? []),
  };
}
