import { heartbeat } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { CampaignCallFinished } from '../domain/campaign-types';
import type { CallWorkflowResult } from '../domain/call-workflow-types';
import { isTerminalStatus } from '../domain/call-status';
import { callWorkflowId } from '../workflows/messages';

/**
 * A call normally tells its campaign when it ends. One that ended without doing so (terminated from
 * the UI, or failed) would hold a campaign slot for ever; the campaign asks here now and then.
 */
export function createCampaignCallActivities(client: Client) {
  return {
    async findEndedCampaignCalls(callIds: string[]): Promise<CampaignCallFinished[]> {
      const ended: CampaignCallFinished[] = [];
      for (const callId of callIds) {
        heartbeat(callId);
        const handle = client.workflow.getHandle(callWorkflowId(callId));
        let status: string;
        try {
          status = (await handle.describe()).status.name;
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          ended.push({ callId, status: 'failed', failureReason: 'call_workflow_missing', attempts: 0 });
          continue;
        }
        if (status === 'RUNNING') continue;
        if (status === 'COMPLETED') {
          const result = (await handle.result()) as CallWorkflowResult;
          if (isTerminalStatus(result.status)) {
            ended.push({ callId, status: result.status, failureReason: result.failureReason, attempts: result.attempts });
            continue;
          }
        }
        ended.push({ callId, status: 'failed', failureReason: `call_workflow_${status.toLowerCase()}`, attempts: 0 });
      }
      return ended;
    },
  };
}

export type CampaignCallActivities = ReturnType<typeof createCampaignCallActivities>;
