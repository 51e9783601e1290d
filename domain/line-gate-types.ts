import type { Priority } from './priority';

/** Asks the account's line gate for a permit to place one live call. */
export interface LineRequest {
  workflowId: string;
  priority: Priority;
  requestedAt: string;
  /** How long the holder may keep the line before the gate reclaims it (max call + ringing + margin). */
  leaseMs: number;
  /** The current MAX_CONCURRENT_CALLS; the gate follows the latest value it is told. */
  limit: number;
}

export interface LineRelease {
  workflowId: string;
  /**
   * A successful dial reported late, with the release, saving the gate a signal per call. It only
   * keeps a closed breaker's failure count at zero; failures and a probe's result are reported at once.
   */
  dialOk?: boolean;
}

/** What a holder tells the gate about its dial request, for the circuit breaker. */
export interface DialReport {
  workflowId: string;
  ok: boolean;
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
  limit: number;
  holders: { workflowId: string; priority: Priority; grantedAt: number; leaseExpiresAt: number }[];
  waiting: { workflowId: string; priority: Priority; requestedAt: number; leaseMs: number; seq: number }[];
  seq: number;
  grantsTotal: number;
  reclaimedTotal: number;
  circuit: { state: 'closed' | 'open' | 'half_open'; consecutiveFailures: number; openUntil: number | null; opensTotal: number; probeInFlight: string | null };
}
