import {
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  CircuitState,
  DialReport,
  LineGateCarriedState,
  LineGateInput,
  LineGateStatus,
  LineRelease,
  LineRequest,
} from '../domain/line-gate-types';
import { PRIORITIES, priorityRank, type Priority } from '../domain/priority';
import {
  dialReportSignal,
  lineDelayedSignal,
  lineGateStatusQuery,
  lineGrantedSignal,
  releaseLineSignal,
  requestLineSignal,
} from './messages';

/**
 * One per Exotel account (`line-gate-<account>`): hands out at most `limit` line permits at a time,
 * serving waiting calls high > medium > low and first come first served within a priority. A permit
 * whose holder never gives it back (a terminated workflow) is reclaimed when its lease runs out.
 *
 * It also carries the account's circuit breaker: after N consecutive failed dial requests it stops
 * granting lines for a while, then lets a single probe call through before opening up again.
 */

type Holder = LineGateCarriedState['holders'][number];
type Waiter = LineGateCarriedState['waiting'][number];

/** Continue-as-new well before Temporal's own history limits; state is small, so this is cheap. */
const HISTORY_EVENTS_BEFORE_CONTINUE = 4_000;

export async function lineGateWorkflow(input: LineGateInput): Promise<void> {
  const carried = input.carried;
  let limit = carried?.limit ?? 1;
  const holders = new Map<string, Holder>((carried?.holders ?? []).map((h) => [h.workflowId, h]));
  const waiting: Waiter[] = [...(carried?.waiting ?? [])];
  let seq = carried?.seq ?? 0;
  let grantsTotal = carried?.grantsTotal ?? 0;
  let reclaimedTotal = carried?.reclaimedTotal ?? 0;
  const circuit = carried?.circuit ?? {
    state: 'closed' as CircuitState,
    consecutiveFailures: 0,
    openUntil: null as number | null,
    opensTotal: 0,
    probeInFlight: null as string | null,
  };
  const outgoing = new Set<Promise<void>>();
  let changed = true;

  const send = (promise: Promise<void>) => {
    outgoing.add(promise);
    void promise.finally(() => outgoing.delete(promise));
  };

  const grant = (waiter: Waiter, now: number) => {
    holders.set(waiter.workflowId, {
      workflowId: waiter.workflowId,
      priority: waiter.priority,
      grantedAt: now,
      leaseExpiresAt: now + waiter.leaseMs,
    });
    grantsTotal++;
    const probe = circuit.state === 'half_open';
    if (probe) circuit.probeInFlight = waiter.workflowId;
    send(
      getExternalWorkflowHandle(waiter.workflowId)
        .signal(lineGrantedSignal, { grantedAt: new Date(now).toISOString(), probe })
        .catch((err: unknown) => {
          // The caller is gone (finished or terminated): the permit goes to the next in line.
          log.warn('line granted to a workflow that cannot be signalled; taking it back', {
            workflowId: waiter.workflowId,
            error: String(err),
          });
          holders.delete(waiter.workflowId);
          changed = true;
        }),
    );
  };

  const nextWaiter = (): Waiter | undefined => {
    let best: Waiter | undefined;
    for (const waiter of waiting) {
      if (
        !best ||
        priorityRank(waiter.priority) < priorityRank(best.priority) ||
        (waiter.priority === best.priority && waiter.seq < best.seq)
      ) {
        best = waiter;
      }
    }
    return best;
  };

  const mayGrant = (): boolean => {
    if (circuit.state === 'open') return false;
    if (circuit.state === 'half_open') return circuit.probeInFlight === null;
    return true;
  };

  const dispatch = (now: number) => {
    while (holders.size < limit && mayGrant()) {
      const waiter = nextWaiter();
      if (!waiter) return;
      waiting.splice(waiting.indexOf(waiter), 1);
      grant(waiter, now);
    }
  };

  const reclaimExpired = (now: number) => {
    for (const holder of [...holders.values()]) {
      if (holder.leaseExpiresAt <= now) {
        holders.delete(holder.workflowId);
        reclaimedTotal++;
        if (circuit.probeInFlight === holder.workflowId) circuit.probeInFlight = null;
        log.warn('line lease expired without a release; reclaimed', { workflowId: holder.workflowId });
      }
    }
  };

  const openCircuit = (now: number, openMs: number) => {
    circuit.state = 'open';
    circuit.openUntil = now + openMs;
    circuit.opensTotal++;
    circuit.probeInFlight = null;
    log.warn('Exotel circuit breaker opened: dialing paused', { until: new Date(circuit.openUntil).toISOString() });
    // Waiting calls learn why they wait, so their own status (and the UI) can say so.
    for (const waiter of waiting) {
      send(
        getExternalWorkflowHandle(waiter.workflowId)
          .signal(lineDelayedSignal, { reason: 'circuit_open', until: new Date(circuit.openUntil).toISOString() })
          .catch(() => undefined),
      );
    }
  };

  setHandler(requestLineSignal, (request: LineRequest) => {
    limit = request.limit;
    const held = holders.get(request.workflowId);
    if (held) {
      // A repeated request (activity retry) from a holder: repeat the grant, it may have been lost.
      send(
        getExternalWorkflowHandle(request.workflowId)
          .signal(lineGrantedSignal, { grantedAt: new Date(held.grantedAt).toISOString(), probe: circuit.probeInFlight === request.workflowId })
          .catch(() => undefined),
      );
      return;
    }
    if (waiting.some((w) => w.workflowId === request.workflowId)) return;
    waiting.push({
      workflowId: request.workflowId,
      priority: request.priority,
      requestedAt: Date.parse(request.requestedAt),
      leaseMs: request.leaseMs,
      seq: seq++,
    });
    changed = true;
  });

  setHandler(releaseLineSignal, ({ workflowId, dialOk }: LineRelease) => {
    if (dialOk && circuit.state === 'closed') circuit.consecutiveFailures = 0;
    holders.delete(workflowId);
    const index = waiting.findIndex((w) => w.workflowId === workflowId);
    if (index >= 0) waiting.splice(index, 1);
    if (circuit.probeInFlight === workflowId) circuit.probeInFlight = null;
    changed = true;
  });

  setHandler(dialReportSignal, ({ workflowId, ok }: DialReport) => {
    const now = Date.now();
    if (ok) {
      if (circuit.state !== 'closed') log.info('Exotel circuit breaker closed: dialing resumes');
      circuit.state = 'closed';
      circuit.consecutiveFailures = 0;
      circuit.openUntil = null;
      circuit.probeInFlight = null;
    } else {
      circuit.consecutiveFailures++;
      const probeFailed = circuit.state === 'half_open' && circuit.probeInFlight === workflowId;
      if (probeFailed || (circuit.state === 'closed' && circuit.consecutiveFailures >= input.breaker.failureThreshold)) {
        openCircuit(now, input.breaker.openMs);
      }
    }
    changed = true;
  });

  setHandler(lineGateStatusQuery, (): LineGateStatus => {
    const counts = Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
    for (const waiter of waiting) counts[waiter.priority]++;
    return {
      account: input.account,
      limit,
      active: [...holders.values()].map((h) => ({
        workflowId: h.workflowId,
        priority: h.priority,
        grantedAt: new Date(h.grantedAt).toISOString(),
        leaseExpiresAt: new Date(h.leaseExpiresAt).toISOString(),
      })),
      waiting: counts,
      waitingTotal: waiting.length,
      grantsTotal,
      reclaimedTotal,
      circuit: {
        state: circuit.state,
        consecutiveFailures: circuit.consecutiveFailures,
        openUntil: circuit.openUntil === null ? null : new Date(circuit.openUntil).toISOString(),
        opensTotal: circuit.opensTotal,
      },
    };
  });

  for (;;) {
    const now = Date.now();
    reclaimExpired(now);
    if (circuit.state === 'open' && circuit.openUntil !== null && circuit.openUntil <= now) {
      circuit.state = 'half_open';
      log.info('Exotel circuit breaker half-open: one probe call may dial');
    }
    dispatch(now);
    changed = false;

    if (workflowInfo().historyLength > HISTORY_EVENTS_BEFORE_CONTINUE || workflowInfo().continueAsNewSuggested) {
      await Promise.all([...outgoing]);
      const state: LineGateCarriedState = {
        limit,
        holders: [...holders.values()],
        waiting,
        seq,
        grantsTotal,
        reclaimedTotal,
        circuit,
      };
      await continueAsNew<typeof lineGateWorkflow>({ ...input, carried: state });
    }

    const deadlines = [...holders.values()].map((h) => h.leaseExpiresAt);
    if (circuit.state === 'open' && circuit.openUntil !== null) deadlines.push(circuit.openUntil);
    const wakeAt = deadlines.length > 0 ? Math.min(...deadlines) : undefined;
    if (wakeAt === undefined) {
      await condition(() => changed);
    } else {
      await condition(() => changed, Math.max(1, wakeAt - Date.now()));
    }
  }
}
