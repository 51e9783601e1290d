import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { LineAsk } from '../domain/line-book';
import type { CircuitBreakerSettings, LineGateInput, LineRelease, LineRequest, LineTaken } from '../domain/line-gate-types';
import { LineBookStore } from '../db/line-book-store';
import { lineGateWorkflow } from '../workflows/line-gate';
import { dialReportSignal, lineGateWorkflowId, releaseLineSignal, requestLineSignal } from '../workflows/messages';

/**
 * A call's line: taken from the account's line book (db/line-book-store.ts) in the call's own
 * workflow task while the limit is far off; otherwise the call queues in the line gate workflow,
 * which serves waiting calls by priority and grants them lines in the same book. The gate comes into
 * being through signal-with-start with the first call that waits, so nobody has to start it. (An
 * update that answers with the grant was tried and dropped: Temporal admits only a few in-flight
 * updates per workflow, so a burst of calls queued behind that limit instead of in the gate.)
 */
export function createLineGateActivities(
  client: Client,
  taskQueue: string,
  breaker: CircuitBreakerSettings,
  limit: () => number,
) {
  const book = new LineBookStore(limit);
  const gateInput = (account: string): LineGateInput => ({ account, breaker });
  const signalGate = async (account: string, deliver: (workflowId: string) => Promise<void>): Promise<void> => {
    try {
      await deliver(lineGateWorkflowId(account));
    } catch (err) {
      // No gate means nobody waits: there is no one to tell.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  };

  return {
    async takeLine(account: string, request: LineRequest): Promise<LineTaken> {
      const taken = await book.apply(account, { kind: 'take', ask: askOf(request) });
      if (taken.granted) return { granted: true };
      await client.workflow.signalWithStart(lineGateWorkflow, {
        workflowId: lineGateWorkflowId(account),
        taskQueue,
        args: [gateInput(account)],
        signal: requestLineSignal,
        signalArgs: [request],
      });
      return { granted: false };
    },

    /** The gate hears of a release only when someone waits for it, or when the caller itself waited there. */
    async releaseLine(account: string, release: LineRelease): Promise<void> {
      const released = await book.apply(account, { kind: 'release', workflowId: release.workflowId, dialOk: release.dialOk });
      if (!released.someoneWaits && !release.queued) return;
      await signalGate(account, (id) => client.workflow.getHandle(id).signal(releaseLineSignal, { workflowId: release.workflowId }));
    },

    /** A failed dial request counts towards the breaker; the one that trips it opens it in the gate. */
    async reportDialFailure(account: string, workflowId: string): Promise<void> {
      const counted = await book.apply(account, { kind: 'dialFailed', workflowId, threshold: breaker.failureThreshold });
      if (!counted.tripped) return;
      await client.workflow.signalWithStart(lineGateWorkflow, {
        workflowId: lineGateWorkflowId(account),
        taskQueue,
        args: [gateInput(account)],
        signal: dialReportSignal,
        signalArgs: [{ workflowId, ok: false, tripped: true }],
      });
    },

    /** The gate's side: lines for its waiting calls, in the order given, as far as the limit allows. */
    async grantWaitingLines(account: string, candidates: LineAsk[], max: number): Promise<{ granted: string[]; nextExpiryAt: number | null }> {
      const { granted, nextExpiryAt } = await book.apply(account, { kind: 'grantWaiting', candidates, max });
      return { granted, nextExpiryAt };
    },

    /** A granted call that could not be told: its line goes back to the book. */
    async returnLine(account: string, workflowId: string): Promise<void> {
      await book.apply(account, { kind: 'release', workflowId, dialOk: false });
    },

    /** The gate's breaker, mirrored in the book: calls take lines at once only while it is closed. */
    async setFastPath(account: string, open: boolean): Promise<void> {
      await book.apply(account, { kind: 'setFastPath', open });
    },
  };
}

function askOf(request: LineRequest): LineAsk {
  return { workflowId: request.workflowId, priority: request.priority, leaseMs: request.leaseMs };
}

export type LineGateActivities = ReturnType<typeof createLineGateActivities>;
