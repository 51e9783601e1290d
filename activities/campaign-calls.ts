import { heartbeat } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { initialCallSearchAttributes, type CallStart } from '../domain/call-start';
import type { CampaignCallFinished } from '../domain/campaign-types';
import type { CallWorkflowResult } from '../domain/call-workflow-types';
import { isTerminalStatus } from '../domain/call-status';
import { callWorkflow } from '../workflows/call/call-workflow';
import { CampaignContact } from '../db/models/campaign-contact';
import { isErasedNumber } from '../domain/erasure';
import { callWorkflowId } from '../workflows/messages';

/** Starts in flight at once: enough to hide each start's round trip, few enough not to flood the server. */
const STARTS_AT_ONCE = 20;

/**
 * A campaign's calls: started here in batches, and looked after when one ends without reporting
 * back (terminated from the UI, or failed), which would otherwise hold a campaign slot for ever.
 */
export function createCampaignCallActivities(client: Client) {
  const startCall = async (taskQueue: string, call: CallStart): Promise<void> => {
    // A contact erased after the campaign loaded its page: no call starts, and the campaign's audit of
    // its calls settles it (call_workflow_missing) like any call that never reported back.
    const contact = await CampaignContact.findById(call.input.callId, { phoneNumber: 1 }).lean();
    if (contact && isErasedNumber(contact.phoneNumber)) return;
    try {
      await client.workflow.start(callWorkflow, {
        workflowId: callWorkflowId(call.input.callId),
        taskQueue,
        args: [call.input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        typedSearchAttributes: initialCallSearchAttributes(call.input, call.status),
      });
    } catch (err) {
      // Started already (by an earlier try of this batch, or before a reset): the contact's fixed
      // workflow id is what makes its call happen once.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  };

  return {
    /**
     * Each call is its own top-level workflow, not a child: a child's start and end are written into
     * the parent's history one by one, and at thousands of contacts that single campaign workflow
     * was what everything queued behind.
     */
    async startCampaignCalls(request: { taskQueue: string; calls: CallStart[] }): Promise<void> {
      for (let i = 0; i < request.calls.length; i += STARTS_AT_ONCE) {
        heartbeat(i);
        await Promise.all(request.calls.slice(i, i + STARTS_AT_ONCE).map((call) => startCall(request.taskQueue, call)));
      }
    },

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
