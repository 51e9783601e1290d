import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { ApiError } from './api-error';
import { isTemporalUnavailable, temporalUnavailable, withDeadline } from './temporal-calls';

/**
 * Runs a workflow update and turns the workflow's refusals (ApplicationFailures whose type is a code
 * in `refusals`) into API errors with that code, so the client learns exactly why.
 */
export async function runWorkflowUpdate<Ret>(
  client: Client,
  workflowId: string,
  update: UpdateDefinition<Ret, []> | UpdateDefinition<Ret, [unknown]>,
  args: [] | [unknown],
  options: { timeoutMs: number; refusals: Record<string, number>; notRunning: ApiError },
): Promise<Ret> {
  try {
    return await withDeadline(client, options.timeoutMs, () =>
      args.length === 0
        ? client.workflow.getHandle(workflowId).executeUpdate<Ret, []>(update.name)
        : client.workflow.getHandle(workflowId).executeUpdate<Ret, [unknown]>(update.name, { args }),
    );
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const cause = err.cause;
      if (cause instanceof ApplicationFailure && cause.type && cause.type in options.refusals) {
        throw new ApiError(options.refusals[cause.type], cause.type, cause.message);
      }
      throw err;
    }
    if (err instanceof WorkflowNotFoundError) throw options.notRunning;
    if (isTemporalUnavailable(err)) throw temporalUnavailable();
    throw err;
  }
}
