import type { TerminalStatus } from './call-record';

/**
 * Counters behind `GET /sim/stats`. `dialsByCustomField` counts every dial request that created a
 * call, keyed by its CustomField ("" when it had none), which is how tests prove at-most-once
 * dialing per attempt. A call is live from the dial until its terminal status (queued, ringing or
 * in progress), which is what an account's concurrency cap counts.
 */
export class SimulatorStats {
  apiRequests = 0;
  totalDials = 0;
  dialsByCustomField: Record<string, number> = {};
  rateLimited = 0;
  apiFaultsInjected = 0;
  /** Callback POSTs made, retries and duplicates included. */
  callbacksSent = 0;
  /** Callbacks the receiver accepted with a 2xx. */
  callbacksDelivered = 0;
  /** Callbacks given up after every retry failed. */
  callbacksFailed = 0;
  /** Callbacks never sent because a fault dropped them. */
  callbacksDropped = 0;
  liveCalls = 0;
  maxLiveCalls = 0;
  endedCalls: Partial<Record<TerminalStatus, number>> = {};

  recordDial(customField: string | undefined): void {
    this.totalDials += 1;
    const key = customField ?? '';
    this.dialsByCustomField[key] = (this.dialsByCustomField[key] ?? 0) + 1;
    this.liveCalls += 1;
    this.maxLiveCalls = Math.max(this.maxLiveCalls, this.liveCalls);
  }

  recordCallEnded(status: TerminalStatus): void {
    this.liveCalls -= 1;
    this.endedCalls[status] = (this.endedCalls[status] ?? 0) + 1;
  }

  /** Back to zero; the simulator keeps one instance for its whole life, shared by every part. */
  reset(): void {
    Object.assign(this, new SimulatorStats());
  }

  snapshot(): Record<string, unknown> {
    return {
      apiRequests: this.apiRequests,
      totalDials: this.totalDials,
      dialsByCustomField: { ...this.dialsByCustomField },
      rateLimited: this.rateLimited,
      apiFaultsInjected: this.apiFaultsInjected,
      callbacksSent: this.callbacksSent,
      callbacksDelivered: this.callbacksDelivered,
      callbacksFailed: this.callbacksFailed,
      callbacksDropped: this.callbacksDropped,
      liveCalls: this.liveCalls,
      maxLiveCalls: this.maxLiveCalls,
      endedCalls: { ...this.endedCalls },
    };
  }
}
