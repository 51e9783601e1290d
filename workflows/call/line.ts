import { condition, log } from '@temporalio/workflow';
import type { LineGrant } from '../../domain/line-gate-types';
import { lineRequests, signals } from './activities';
import type { Call } from './call';
import { nowIso } from './call';

/**
 * The call's side of its account's line gate: ask for a line, wait for the grant signal, tell the
 * gate how the dial went, give the line back. The gate holds the line under a lease, so a release
 * that never arrives (a terminated call) still frees it.
 */
export class Line {
  private requested = false;
  private granted = false;
  /** A request was withdrawn before its grant came: that grant, when it comes, is handed back. */
  private withdrawn = false;
  private probe = false;
  /** A successful dial not yet told to the gate: it rides on the release. */
  private dialOkUnreported = false;

  constructor(private readonly call: Call) {}

  /** Starts the request; the grant arrives as a signal (`onGranted`). */
  request(): Promise<void> {
    const { input, workflowId, lineLeaseMs } = this.call;
    const request = { workflowId, priority: input.priority, requestedAt: nowIso(), leaseMs: lineLeaseMs };
    // A grant already here answers a request this same attempt made in a workflow task that timed out
    // (its local activity reached the gate; its history did not): asking again is harmless, the gate
    // repeats a holder's grant.
    this.requested = true;
    return lineRequests.requestLine(input.exotelAccount, request);
  }

  /** True once granted; false if the call was cancelled first (its request is then withdrawn). */
  async waitForGrant(): Promise<boolean> {
    await condition(() => this.granted || this.call.cancelRequested);
    return this.granted;
  }

  onGranted(grant: LineGrant): void {
    if (this.withdrawn && !this.requested) {
      // A grant for a request we already withdrew: hand it straight back.
      this.withdrawn = false;
      void this.release();
      return;
    }
    // Also a grant that comes before this run has asked: see `request`.
    this.granted = true;
    this.probe = grant.probe ?? false;
  }

  /** Failed requests and a half-open breaker's probe are told at once; a good dial rides on the release. */
  async dialed(failedRequest: boolean): Promise<void> {
    if (failedRequest || this.probe) await this.reportDial(!failedRequest);
    else this.dialOkUnreported = true;
  }

  /**
   * Awaited on purpose: a signal still in flight when its sender completes is dropped by the server
   * (tried 2026-12-03 to save a workflow task: lines were never freed). A local activity delivers it
   * before it returns, inside the deciding workflow task.
   */
  async release(): Promise<void> {
    if (this.requested && !this.granted) this.withdrawn = true;
    this.requested = false;
    this.granted = false;
    const { input, workflowId } = this.call;
    const dialOk = this.dialOkUnreported;
    this.dialOkUnreported = false;
    try {
      await signals.releaseLineOfGate(input.exotelAccount, dialOk ? { workflowId, dialOk } : { workflowId });
    } catch (err) {
      log.warn('could not release the line; the gate reclaims it when the lease ends', { error: String(err) });
    }
  }

  private async reportDial(ok: boolean): Promise<void> {
    try {
      await signals.reportDialToGate(this.call.input.exotelAccount, { workflowId: this.call.workflowId, ok });
    } catch (err) {
      log.warn('could not report the dial result to the line gate', { error: String(err) });
    }
  }
}
