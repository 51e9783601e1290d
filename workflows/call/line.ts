import { condition, log } from '@temporalio/workflow';
import type { LineGrant } from '../../domain/line-gate-types';
import { lineRequests, signals } from './activities';
import type { Call } from './call';
import { nowIso } from './call';

/**
 * The call's side of its account's lines: take one from the line book (at once while the limit is far
 * off, otherwise by waiting in the line gate for its grant signal), report how the dial went, give the
 * line back. A line is held under a lease, so a release that never arrives (a terminated call) still
 * frees it.
 */
export class Line {
  private requested = false;
  private granted = false;
  /** This attempt waited in the gate: its release must reach the gate too. */
  private queued = false;
  /** A request was withdrawn before its grant came: that grant, when it comes, is handed back. */
  private withdrawn = false;
  private probe = false;
  /** A successful dial not yet told to the gate: it rides on the release. */
  private dialOkUnreported = false;

  constructor(private readonly call: Call) {}

  /** Takes a line, or joins the gate's queue; a queued call's grant arrives as a signal (`onGranted`). */
  async request(): Promise<void> {
    const { input, workflowId, lineLeaseMs } = this.call;
    const request = { workflowId, priority: input.priority, requestedAt: nowIso(), leaseMs: lineLeaseMs };
    // A grant already here answers a request this same attempt made in a workflow task that timed out
    // (its local activity reached the gate; its history did not): asking again is harmless, the book
    // finds the line already held.
    this.requested = true;
    const taken = await lineRequests.takeLine(input.exotelAccount, request);
    if (taken.granted) this.granted = true;
    else this.queued = true;
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

  /**
   * A half-open breaker's probe tells the gate at once; other failed requests are counted in the book
   * (the gate hears of the one that trips the breaker); a good dial rides on the release.
   */
  async dialed(failedRequest: boolean): Promise<void> {
    const { input, workflowId } = this.call;
    try {
      if (this.probe) await signals.reportDialToGate(input.exotelAccount, { workflowId, ok: !failedRequest });
      else if (failedRequest) await lineRequests.reportDialFailure(input.exotelAccount, workflowId);
      else this.dialOkUnreported = true;
    } catch (err) {
      log.warn('could not report the dial result to the circuit breaker', { error: String(err) });
    }
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
    const release = { workflowId, dialOk: this.dialOkUnreported, queued: this.queued };
    this.dialOkUnreported = false;
    this.queued = false;
    this.probe = false;
    try {
      await lineRequests.releaseLine(input.exotelAccount, release);
    } catch (err) {
      log.warn('could not release the line; it is reclaimed when the lease ends', { error: String(err) });
    }
  }
}
