import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { FloorActivities } from './floor-activities';

/**
 * The least any durable outbound call needs from Temporal: start, one dial activity on its own queue,
 * one status signal back (the webhook), done. The orchestration benchmark runs it beside Ringline's
 * call workflow to show how much of a call's cost is Temporal itself on this machine.
 */
export const floorStatusSignal = defineSignal<[string]>('floorStatus');

export async function floorCallWorkflow(dialQueue: string): Promise<string> {
  let status: string | undefined;
  setHandler(floorStatusSignal, (value) => {
    status = value;
  });
  const { floorDial } = proxyActivities<FloorActivities>({ taskQueue: dialQueue, startToCloseTimeout: '30 seconds' });
  await floorDial();
  await condition(() => status !== undefined);
  return status ?? 'unknown';
}
