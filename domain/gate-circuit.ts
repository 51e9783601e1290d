import type { DialReport, GateCircuit } from './line-gate-types';

/**
 * The line gate's circuit breaker, as pure transitions. Closed: calls take lines freely. Open: nobody
 * dials until `openUntil`. Half-open: one probe call dials; its result closes or re-opens the breaker.
 * The failure count itself lives in the line book, which reports the failure that trips it.
 */
export const CLOSED_CIRCUIT: GateCircuit = { state: 'closed', openUntil: null, opensTotal: 0, probe: null };

export type CircuitChange = 'opened' | 'half_opened' | 'closed' | null;

export function circuitAfterReport(circuit: GateCircuit, report: DialReport, now: number, openMs: number): { circuit: GateCircuit; change: CircuitChange } {
  const probing = circuit.probe?.workflowId === report.workflowId;
  if ((report.tripped && circuit.state === 'closed') || (probing && !report.ok)) {
    return { circuit: { state: 'open', openUntil: now + openMs, opensTotal: circuit.opensTotal + 1, probe: null }, change: 'opened' };
  }
  if (probing && report.ok) return { circuit: { ...circuit, state: 'closed', openUntil: null, probe: null }, change: 'closed' };
  return { circuit, change: null };
}

/** Time passing: an open breaker whose time is up lets one probe through; a probe that never reported frees its slot. */
export function circuitAfterTick(circuit: GateCircuit, now: number): { circuit: GateCircuit; change: CircuitChange } {
  const halfOpens = circuit.state === 'open' && circuit.openUntil !== null && circuit.openUntil <= now;
  const probeLapsed = circuit.probe !== null && circuit.probe.expiresAt <= now;
  if (!halfOpens && !probeLapsed) return { circuit, change: null };
  return {
    circuit: { ...circuit, state: halfOpens ? 'half_open' : circuit.state, probe: probeLapsed ? null : circuit.probe },
    change: halfOpens ? 'half_opened' : null,
  };
}

/** How many waiting calls may be granted lines now: none while open, one probe at a time while half-open. */
export function grantableCount(circuit: GateCircuit, waiting: number): number {
  if (circuit.state === 'open') return 0;
  if (circuit.state === 'half_open') return circuit.probe ? 0 : Math.min(1, waiting);
  return waiting;
}

/** A call released or left the queue: if it was the probe, the slot frees for another. */
export function circuitWithoutProbe(circuit: GateCircuit, workflowId: string): GateCircuit {
  return circuit.probe?.workflowId === workflowId ? { ...circuit, probe: null } : circuit;
}
