import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { CircuitBreakerSettings, LineAcquisition, LineGateInput, LineRequest } from '../domain/line-gate-types';
import { acquireLineUpdate, lineGateWorkflowId } from '../workflows/messages';

/**
 * A call asks its account's line gate for a line through update-with-start: the gate workflow comes
 * into being with the first call, and when a line is free the answer is the grant itself.
 */
export function createLineGateActivities(
  client: Client,
  taskQueue: string,
  breaker: CircuitBreakerSettings,
  limit: () => number,
) {
  return {
    /** The current line limit rides along with every request, so a config change reaches the gate. */
    async requestLine(account: string, request: Omit<LineRequest, 'limit'>): Promise<LineAcquisition> {
      const input: LineGateInput = { account, breaker };
      return client.workflow.executeUpdateWithStart(acquireLineUpdate, {
        args: [{ ...request, limit: limit() }],
        // The same id for a retried request: Temporal answers it with the first result.
        updateId: request.requestId,
        startWorkflowOperation: new WithStartWorkflowOperation('lineGateWorkflow', {
          workflowId: lineGateWorkflowId(account),
          taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      });
    },
  };
}

export type LineGateActivities = ReturnType<typeof createLineGateActivities>;
