import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { floorStatusSignal } from './floor-workflow';

/** The dial "places" the call and, like Exotel's webhook, the status arrives as a signal just after. */
export function createFloorActivities(client: Client, onDial: () => void, onSignalError: (err: unknown) => void) {
  return {
    async floorDial(): Promise<void> {
      onDial();
      const workflowId = Context.current().info.workflowExecution?.workflowId;
      if (!workflowId) throw new Error('floorDial runs only inside a workflow');
      setImmediate(() => {
        client.workflow.getHandle(workflowId).signal(floorStatusSignal, 'busy').catch(onSignalError);
      });
    },
  };
}

export type FloorActivities = ReturnType<typeof createFloorActivities>;
