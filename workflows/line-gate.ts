import { condition, continueAsNew, getExternalWorkflowHandle, log, proxyLocalActivities, setHandler, workflowInfo, type SignalDefinition } from '@temporalio/workflow';
import type { LineGateActivities } from '../activities/line-gate';
import { circuitAfterReport, circuitAfterTick, circuitWithoutProbe, CLOSED_CIRCUIT, grantableCount, type CircuitChange } from '../domain/gate-circuit';
import { servingOrder, waitingRoom } from '../domain/line-book';
import type { DialReport, GateCircuit, LineGateCarriedState, LineGateInput, LineFreed, LineRequest, LineWaiter } from '../domain/line-gate-types';
import { dialReportSignal, lineDelayedSignal, lineGateStatusQuery, lineGrantedSignal, releaseLineSignal, requestLineSignal } from './messages';

/**
 * One per Exotel account (`line-gate-<account>`): the waiting room for calls that could not take a
 * line from the account's line book at once, and the account's circuit breaker. It grants waiting
 * calls lines in the book (high > medium > low, first come first served within one), as far as the
 * limit allows. After N failed dial requests in a row it stops every call for a while (the book's
 * fast path closes), then lets a single probe call dial before opening up again.
 */

const book = proxyLocalActivities<LineGateActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Continue-as-new well before Temporal's own history limits; the state is small. */
const HISTORY_EVENTS_BEFORE_CONTINUE = 4_000;
/** While calls wait, the book is asked this often: it refreshes their entries, which expire unconfirmed. */
const WAITING_REFRESH_MS = 15_000;

class LineGate {
  readonly waiting: LineWaiter[];
  private seq: number;
  circuit: GateCircuit;
  bookFastPath: boolean | null;
  changed = true;
  private readonly outgoing = new Set<Promise<void>>();

  constructor(readonly input: LineGateInput) {
    const carried = input.carried;
    this.waiting = carried?.waiting ?? [];
    this.seq = carried?.seq ?? 0;
    this.circuit = carried?.circuit ?? CLOSED_CIRCUIT;
    this.bookFastPath = carried?.bookFastPath ?? null;
  }

  enqueue(request: LineRequest): void {
    if (this.waiting.some((w) => w.workflowId === request.workflowId)) return;
    this.waiting.push({ workflowId: request.workflowId, priority: request.priority, leaseMs: request.leaseMs, seq: this.seq++ });
    this.changed = true;
  }

  /** A waiting call that gave up, or a line freed that a waiting call may now take. */
  released({ workflowId }: LineFreed): void {
    const index = this.waiting.findIndex((w) => w.workflowId === workflowId);
    if (index >= 0) this.waiting.splice(index, 1);
    this.circuit = circuitWithoutProbe(this.circuit, workflowId);
    this.changed = true;
  }

  dialReported(report: DialReport, now: number): void {
    // The book closed its fast path when it counted the failure that tripped the breaker.
    if (report.tripped) this.bookFastPath = false;
    this.moveCircuit(circuitAfterReport(this.circuit, report, now, this.input.breaker.openMs));
    this.changed = true;
  }

  tick(now: number): void {
    this.moveCircuit(circuitAfterTick(this.circuit, now));
  }

  private moveCircuit({ circuit, change }: { circuit: GateCircuit; change: CircuitChange }): void {
    this.circuit = circuit;
    if (change === 'half_opened') log.info('Exotel circuit breaker half-open: one probe call may dial');
    if (change === 'closed') log.info('Exotel circuit breaker closed: dialing resumes');
    if (change !== 'opened') return;
    const until = new Date(circuit.openUntil!).toISOString();
    log.warn('Exotel circuit breaker opened: dialing paused', { until });
    // Waiting calls learn why they wait, so their own status (and the UI) can say so.
    for (const waiter of this.waiting) this.send(waiter.workflowId, lineDelayedSignal, { reason: 'circuit_open', until });
  }

  /** Grants lines in the book to waiting calls in serving order; returns when the next lease ends. */
  async serve(now: number): Promise<number | null> {
    const order = servingOrder(this.waiting);
    const max = grantableCount(this.circuit, this.waiting.length);
    const { granted, nextExpiryAt } = await book.grantWaitingLines(this.input.account, order, max);
    const probe = this.circuit.state === 'half_open';
    for (const workflowId of granted) {
      const waiter = order.find((w) => w.workflowId === workflowId)!;
      this.waiting.splice(this.waiting.indexOf(waiter), 1);
      if (probe) this.circuit = { ...this.circuit, probe: { workflowId, expiresAt: now + waiter.leaseMs } };
      this.send(workflowId, lineGrantedSignal, { grantedAt: new Date(now).toISOString(), probe }, () =>
        // The caller is gone (finished or terminated): its line goes back for the next in line.
        book.returnLine(this.input.account, workflowId).then(() => {
          this.changed = true;
        }),
      );
    }
    return nextExpiryAt;
  }

  async continueAsNewWhenLong(): Promise<void> {
    if (workflowInfo().historyLength <= HISTORY_EVENTS_BEFORE_CONTINUE && !workflowInfo().continueAsNewSuggested) return;
    await Promise.all([...this.outgoing]);
    const carried: LineGateCarriedState = { waiting: this.waiting, seq: this.seq, circuit: this.circuit, bookFastPath: this.bookFastPath };
    await continueAsNew<typeof lineGateWorkflow>({ ...this.input, carried });
  }

  private send<T>(workflowId: string, signal: SignalDefinition<[T]>, arg: T, onFailure?: () => Promise<void>): void {
    const sent = getExternalWorkflowHandle(workflowId)
      .signal(signal, arg)
      .catch((err: unknown) => {
        log.warn('could not signal a waiting call', { workflowId, error: String(err) });
        return onFailure?.();
      });
    this.outgoing.add(sent);
    void sent.finally(() => this.outgoing.delete(sent));
  }
}

export async function lineGateWorkflow(input: LineGateInput): Promise<void> {
  const gate = new LineGate(input);
  setHandler(requestLineSignal, (request) => gate.enqueue(request));
  setHandler(releaseLineSignal, (release) => gate.released(release));
  setHandler(dialReportSignal, (report) => gate.dialReported(report, Date.now()));
  setHandler(lineGateStatusQuery, () => waitingRoom(gate.waiting, gate.circuit));

  for (;;) {
    gate.changed = false;
    const now = Date.now();
    gate.tick(now);
    const wakes: number[] = [];
    // Calls take lines at once only while the breaker is closed. A new gate does not know the book;
    // one that lost a race with a trip corrects it next round.
    const open = gate.circuit.state === 'closed';
    if (gate.bookFastPath !== open) {
      await book.setFastPath(input.account, open);
      gate.bookFastPath = open;
    }
    if (gate.waiting.length > 0) {
      const nextExpiryAt = await gate.serve(now);
      if (nextExpiryAt !== null) wakes.push(nextExpiryAt);
      wakes.push(now + WAITING_REFRESH_MS);
    }
    if (gate.circuit.state === 'open' && gate.circuit.openUntil !== null) wakes.push(gate.circuit.openUntil);
    if (gate.circuit.probe) wakes.push(gate.circuit.probe.expiresAt);
    await gate.continueAsNewWhenLong();
    if (wakes.length === 0) await condition(() => gate.changed);
    else await condition(() => gate.changed, Math.max(1, Math.min(...wakes) - Date.now()));
  }
}
