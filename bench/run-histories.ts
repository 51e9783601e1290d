import type { Client } from '@temporalio/client';

/** Event counts of every run of a workflow: continue-as-new keeps the workflow id, so visibility lists them all. */
export async function runHistoryLengths(client: Client, workflowId: string): Promise<number[]> {
  const counts: number[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    const history = await client.workflow.getHandle(workflowId, execution.runId).fetchHistory();
    counts.push(history.events?.length ?? 0);
  }
  return counts;
}
