import type { Client } from '@temporalio/client';
import type { CircuitBreakerSettings, LineGateInput, LineRequest } from '../domain/line-gate-types';
import { lineGateWorkflow } from '../workflows/line-gate';
import { lineGateWorkflowId, requestLineSignal } from '../workflows/messages';

/**
 * A call joins its account's line gate through signal-with-start, so the gate workflow comes into
 * being with the first call and nobody has to start it beforehand. (An update that answers with the
 * grant was tried and dropped: Temporal admits only a few in-flight updates per workflow, so a burst
 * of calls queued behind that limit instead of in the gate.)
 */
export function createLineGateActivities(
  client: Client,
  taskQueue: string,
  breaker: CircuitBreakerSettings,
  limit: () => number,
) {
  return {
    /** The current line limit rides along with every request, so a config change reaches the gate. */
    async requestLine(account: string, request: Omit<LineRequest, 'limit'>): Promise<void> {
      const input: LineGateInput = { account, breaker };
      await client.workflow.signalWithStart(lineGateWorkflow, {
        workflowId: lineGateWorkflowId(account),
        taskQueue,
        args: [input],
        signal: requestLineSignal,
        signalArgs: [{ ...request, limit: limit() }],
      });
    },
  };
}

export type LineGateActivities = ReturnType<typeof createLineGateActivities>;
