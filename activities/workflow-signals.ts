import { ApplicationFailure } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { CampaignCallFinished } from '../domain/campaign-types';
import type { DialReport } from '../domain/line-gate-types';
import { campaignCallFinishedSignal, campaignWorkflowId, dialReportSignal, lineGateWorkflowId } from '../workflows/messages';

/**
 * The signals a call workflow sends to its line gate (a breaker probe's result) and its campaign, sent by local activities.
 * A workflow's own "signal external workflow" costs it a workflow task for the server's
 * acknowledgement, and must be awaited (one still in flight when the workflow completes is dropped);
 * sent from a local activity, the signal is delivered before the activity returns, within the task
 * that decided it. A workflow that no longer exists (a gate or campaign terminated by an operator)
 * cannot take it: that fails at once, not after retries.
 */
export function createWorkflowSignalActivities(client: Client) {
  const send = async (workflowId: string, deliver: () => Promise<void>): Promise<void> => {
    try {
      await deliver();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        throw ApplicationFailure.create({ type: 'WorkflowNotFound', message: `${workflowId} is not running`, nonRetryable: true });
      }
      throw err;
    }
  };
  return {
    async reportDialToGate(account: string, report: DialReport): Promise<void> {
      const workflowId = lineGateWorkflowId(account);
      await send(workflowId, () => client.workflow.getHandle(workflowId).signal(dialReportSignal, report));
    },

    async reportCallToCampaign(campaignId: string, report: CampaignCallFinished): Promise<void> {
      const workflowId = campaignWorkflowId(campaignId);
      await send(workflowId, () => client.workflow.getHandle(workflowId).signal(campaignCallFinishedSignal, report));
    },
  };
}

export type WorkflowSignalActivities = ReturnType<typeof createWorkflowSignalActivities>;
