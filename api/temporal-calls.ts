import { ServiceError, WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import type { CallWorkflowStatus } from '../domain/call-workflow-types';
import type { LineGateRoom } from '../domain/line-gate-types';
import { callStatusQuery, callWorkflowId, lineGateStatusQuery, lineGateWorkflowId } from '../workflows/messages';
import { ApiError } from './api-error';

/**
 * How the API talks to workflows. Every call carries a deadline: a slow or unreachable Temporal makes
 * reads fall back to the database and writes answer 503, never a request that hangs.
 */
export interface TemporalTimeouts {
  /** Reads that only enrich an answer (live status, line gate figures). */
  queryMs: number;
  /** Starts, signals and the reads they depend on. */
  writeMs: number;
  /** How old the line gate's queue depth may be when a new call is checked against it. */
  lineGateSnapshotMs: number;
}

export const DEFAULT_TEMPORAL_TIMEOUTS: TemporalTimeouts = { queryMs: 1_500, writeMs: 5_000, lineGateSnapshotMs: 500 };

/** gRPC status codes CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED and UNAVAILABLE. */
const UNAVAILABLE_CODES: readonly number[] = [1, 4, 8, 14];

/** True for errors that say "Temporal did not answer now", as opposed to "Temporal said no". */
export function isTemporalUnavailable(err: unknown): boolean {
  const cause = err instanceof ServiceError ? err.cause : err;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' && UNAVAILABLE_CODES.includes(code);
}

export function temporalUnavailable(): ApiError {
  return new ApiError(503, 'TEMPORAL_UNAVAILABLE', 'The orchestration service did not answer in time; retry later');
}

/** For calls the request cannot do without: Temporal not answering becomes 503, so clients retry. */
export async function requireTemporal<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isTemporalUnavailable(err)) throw temporalUnavailable();
    throw err;
  }
}

export function withDeadline<T>(client: Client, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  return client.withDeadline(Date.now() + timeoutMs, fn);
}

/** Undefined when no workflow with that id exists (or it aged out of retention). */
export async function describeWorkflow(
  client: Client,
  workflowId: string,
  timeoutMs: number,
): Promise<WorkflowExecutionDescription | undefined> {
  try {
    return await withDeadline(client, timeoutMs, () => client.workflow.getHandle(workflowId).describe());
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

export type LiveCall =
  | { state: 'running'; status: CallWorkflowStatus | null }
  | { state: 'closed' }
  | { state: 'not_found' }
  | { state: 'unavailable' };

/**
 * The call workflow's own view of the call. Described first, because a query to a closed workflow
 * replays its whole history on a worker; `status` is null when the running workflow did not answer
 * its query in time.
 */
export async function lookUpLiveCall(client: Client, callId: string, timeoutMs: number): Promise<LiveCall> {
  const deadline = Date.now() + timeoutMs;
  const workflowId = callWorkflowId(callId);
  let description: WorkflowExecutionDescription | undefined;
  try {
    description = await describeWorkflow(client, workflowId, timeoutMs);
  } catch {
    return { state: 'unavailable' };
  }
  if (!description) return { state: 'not_found' };
  if (description.status.name !== 'RUNNING') return { state: 'closed' };
  try {
    const status = await client.withDeadline(deadline, () => client.workflow.getHandle(workflowId).query(callStatusQuery));
    return { state: 'running', status };
  } catch {
    return { state: 'running', status: null };
  }
}

/** The gate workflow's own view (waiting room, breaker); the live lines are in the line book. */
export type LineGateLookup =
  | { state: 'running'; status: LineGateRoom }
  | { state: 'not_started' }
  | { state: 'unavailable'; error: unknown };

export async function lookUpLineGate(client: Client, account: string, timeoutMs: number): Promise<LineGateLookup> {
  const handle = client.workflow.getHandle(lineGateWorkflowId(account));
  try {
    const status = await withDeadline(client, timeoutMs, () => handle.query(lineGateStatusQuery));
    return { state: 'running', status };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { state: 'not_started' };
    return { state: 'unavailable', error: err };
  }
}
