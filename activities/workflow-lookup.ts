import { WorkflowNotFoundError, type Client } from '@temporalio/client';

/** Lets a workflow ask whether another one (a series' previous occurrence) is still running. */
export function createWorkflowLookupActivities(client: Client) {
  return {
    async isWorkflowRunning(workflowId: string): Promise<boolean> {
      try {
        const description = await client.workflow.getHandle(workflowId).describe();
        return description.status.name === 'RUNNING';
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err;
      }
    },
  };
}

export type WorkflowLookupActivities = ReturnType<typeof createWorkflowLookupActivities>;
