import type { Priority } from './priority';

/** Asks the account's line gate for a permit to place one live call. */
export interface LineRequest {
  workflowId: string;
  priority: Priority;
  requestedAt: string;
  /** How long the holder may keep the line before it is reclaimed (max call + ringing + margin). */
  leaseMs: number;
}

/** A line taken at once from the line book, or a place in the gate's queue (the grant comes as a signal). */
export interface LineTaken {
  granted: boolean;
}

export interface LineRelease {
  workflowId: string;
  /**
   * A successful dial reported late, with the release, saving a write per call. It only keeps a
   * closed breaker's failure count at zero; failures and a probe's result are reported at once.
   */
  dialOk: boolean;
  /** The call waited in the gate: the gate must hear that it left, even if nobody else waits. */
  queued: boolean;
}

/** What the gate hears of a release: a waiting call left, or a line was freed for those who wait. */
export type LineFreed = Pick<LineRelease, 'workflowId'>;

/**
 * What the gate hears about dial requests, for the circuit breaker: the failure that tripped it (the
 * count is kept in the line book), or a half-open breaker's probe result.
 */
export interface DialReport {
  workflowId: string;
  ok: boolean;
  tripped?: boolean;
}

export interface LineGrant {
  grantedAt: string;
  /** The breaker is half-open and this call is its probe: report the dial result at once. */
  probe?: boolean;
}

export interface LineDelayed {
  reason: 'circuit_open';
  until: string;
}

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface LineGateStatus {
  account: string;
  limit: number;
  active: { workflowId: string; priority: Priority; grantedAt: string; leaseExpiresAt: string }[];
  waiting: Record<Priority, number>;
  waitingTotal: number;
  grantsTotal: number;
  reclaimedTotal: number;
  circuit: { state: CircuitState; consecutiveFailures: number; openUntil: string | null; opensTotal: number };
}

/** What the gate workflow itself knows (its status query): the waiting room and the breaker. */
export interface LineGateRoom {
  waiting: Record<Priority, number>;
  waitingTotal: number;
  circuit: { state: CircuitState; openUntil: string | null; opensTotal: number };
}

export interface CircuitBreakerSettings {
  failureThreshold: number;
  openMs: number;
}

export interface LineGateInput {
  account: string;
  breaker: CircuitBreakerSettings;
  /** Carried over continue-as-new. */
  carried?: LineGateCarriedState;
}

export interface LineGateCarriedState {
  waiting: LineWaiter[];
  seq: number;
  circuit: GateCircuit;
  /** The fast path as the gate last wrote it in the book (null: not known yet, a new gate). */
  bookFastPath: boolean | null;
}

export interface LineWaiter {
  workflowId: string;
  priority: Priority;
  leaseMs: number;
  /** Arrival order, for first come first served within a priority. */
  seq: number;
}

export interface GateCircuit {
  state: CircuitState;
  openUntil: number | null;
  opensTotal: number;
  /** The half-open breaker's probe call and when its lease ends (a probe that never reports frees the breaker then). */
  probe: { workflowId: string; expiresAt: number } | null;
}
