import { ApplicationFailure, condition, continueAsNew, getExternalWorkflowHandle, log } from '@temporalio/workflow';
import { campaignIsSettled, countFinishedCall, emptyCampaignCounts } from '../../domain/campaign-progress';
import type { CampaignCallFinished, CampaignContactToCall, CampaignRunState, CampaignStatus, CampaignStatusView, CampaignWorkflowInput } from '../../domain/campaign-types';
import { callWorkflowInput, type CallStart } from '../../domain/call-start';
import { callWorkflowId, cancelSignal } from '../messages';
import { campaignRecords, outcomeWebhooks } from './activities';
import { ProgressWriter } from './progress-writer';
import type { campaignWorkflow } from './campaign-workflow';

const DEFAULT_AUDIT_MS = 5 * 60_000;
/** Calls waiting for their own time hold no slot; past this many, the campaign waits for some to end. */
const MAX_WAITING = 1_000;

/** What a campaign knows between its tasks: its counts, its open calls, and what it has been asked to do. */
export class Campaign {
  readonly state: CampaignRunState;
  /** Calls dialing or about to; each holds one of the throttle's slots until it reports back. */
  private readonly inFlight: Set<string>;
  /** Calls waiting for their own scheduled time. */
  private readonly waiting: Set<string>;
  status: CampaignStatus;
  cancelRequested = false;
  private cancelHandled = false;
  readonly startsAt: string | null;
  waitingForStart: boolean;
  readonly progress: ProgressWriter;
  private readonly auditMs: number;

  constructor(readonly input: CampaignWorkflowInput) {
    this.state = input.state ?? { nextSeq: 0, counts: emptyCampaignCounts(), inFlight: [], waiting: [], paused: false, throttle: input.throttle };
    this.inFlight = new Set(this.state.inFlight);
    this.waiting = new Set(this.state.waiting);
    this.status = this.state.paused ? 'paused' : 'running';
    this.startsAt = input.state ? null : (input.scheduledFor ?? null);
    this.waitingForStart = this.startsAt !== null && Date.parse(this.startsAt) > Date.now();
    if (this.waitingForStart) this.status = 'scheduled';
    this.auditMs = input.inFlightAuditMs ?? DEFAULT_AUDIT_MS;
    this.progress = new ProgressWriter(this.state.unsaved, (pending, final) =>
      campaignRecords.recordCampaignProgress({
        campaignId: input.campaignId,
        status: final ?? this.status,
        counts: this.state.counts,
        inFlight: this.inFlight.size,
        waiting: this.waiting.size,
        dispatchedSeqs: pending.dispatched,
        finishedCalls: pending.finished,
        completed: final !== undefined,
      }),
    );
  }

  view(): CampaignStatusView {
    return {
      campaignId: this.input.campaignId,
      status: this.status,
      total: this.input.total,
      nextSeq: this.state.nextSeq,
      dispatched: this.state.counts.dispatched,
      finished: this.state.counts.finished,
      inFlight: this.inFlight.size,
      waiting: this.waiting.size,
      outcomes: { ...this.state.counts.outcomes },
      cancelledBeforeDispatch: this.state.counts.cancelledBeforeDispatch,
      throttle: this.state.throttle,
      startsAt: this.waitingForStart ? this.startsAt : null,
    };
  }

  refuseIfFinished(): void {
    if (this.status === 'completed' || this.status === 'cancelled' || this.cancelRequested) {
      throw ApplicationFailure.create({ type: 'CAMPAIGN_FINISHED', message: `the campaign is ${this.cancelRequested ? 'cancelled' : this.status}`, nonRetryable: true });
    }
  }

  /** Only a call still counted as open is counted as finished: a late or repeated report changes nothing. */
  settle(call: CampaignCallFinished): void {
    if (!this.inFlight.delete(call.callId) && !this.waiting.delete(call.callId)) return;
    this.state.counts = countFinishedCall(this.state.counts, call);
    this.progress.noteFinished(call);
  }

  pause(): CampaignStatusView {
    this.state.paused = true;
    if (!this.waitingForStart) this.status = 'paused';
    this.progress.noteChange();
    return this.view();
  }

  resume(): CampaignStatusView {
    this.state.paused = false;
    this.status = this.waitingForStart ? 'scheduled' : 'running';
    this.progress.noteChange();
    return this.view();
  }

  cancel(): CampaignStatusView & { status: 'cancelling' } {
    this.cancelRequested = true;
    return { ...this.view(), status: 'cancelling' };
  }

  get settled(): boolean {
    return campaignIsSettled(this.input.total, this.state.nextSeq, this.inFlight.size + this.waiting.size);
  }

  async waitForStartTime(startsAt: string): Promise<void> {
    await this.progress.writeNow();
    await condition(() => this.cancelRequested, Math.max(1, Date.parse(startsAt) - Date.now()));
    this.waitingForStart = false;
    if (!this.cancelRequested) this.status = this.state.paused ? 'paused' : 'running';
  }

  /**
   * Waits until `ready()` or a cancel, writing progress as it piles up and asking now and then about
   * calls that hold a slot without having reported back.
   */
  async waitFor(ready: () => boolean, interrupted: () => boolean = () => this.cancelRequested): Promise<void> {
    let lastAudit = Date.now();
    for (;;) {
      if (ready() || interrupted()) return;
      if (this.progress.due()) this.progress.startInBackground();
      const open = [...this.inFlight, ...this.waiting];
      if (Date.now() - lastAudit >= this.auditMs && open.length > 0) {
        lastAudit = Date.now();
        for (const call of await campaignRecords.findEndedCampaignCalls(open)) this.settle(call);
        continue;
      }
      // A write under way wakes the wait when it lands; the next one is due no sooner.
      const wasWriting = this.progress.busy;
      const untilAudit = open.length > 0 ? lastAudit + this.auditMs - Date.now() : Infinity;
      const timeout = Math.max(1, Math.min(this.progress.msUntilDue(), untilAudit));
      await condition(
        () => ready() || interrupted() || (!this.progress.busy && this.progress.batchFull) || (wasWriting && !this.progress.busy),
        Number.isFinite(timeout) ? timeout : undefined,
      );
    }
  }

  /** Whether the contact may be started now: a free slot, or room among the calls waiting for their time. */
  hasRoomFor(contact: CampaignContactToCall): boolean {
    return holdsSlot(contact) ? this.inFlight.size < this.state.throttle.maxConcurrent : this.waiting.size < MAX_WAITING;
  }

  /** The contacts of the page to start now: all that fit at once, or just one when calls are spaced out. */
  batchFrom(page: readonly CampaignContactToCall[], runBudget: number): CampaignContactToCall[] {
    const batch: CampaignContactToCall[] = [];
    let slots = this.state.throttle.maxConcurrent - this.inFlight.size;
    let room = MAX_WAITING - this.waiting.size;
    for (const next of page) {
      if (batch.length >= runBudget) break;
      const slotted = holdsSlot(next);
      if (slotted ? slots <= 0 : room <= 0) break;
      if (slotted) slots -= 1;
      else room -= 1;
      batch.push(next);
      if (this.state.throttle.delayBetweenCallsMs > 0) break;
    }
    return batch;
  }

  /** Starts the batch's calls by activity, as top-level workflows: a continue-as-new never cuts one. */
  async dispatch(batch: readonly CampaignContactToCall[]): Promise<void> {
    const starts = batch.map((contact) => this.prepareCall(contact)).filter((start): start is CallStart => start !== null);
    if (starts.length > 0) await campaignRecords.startCampaignCalls({ taskQueue: this.input.callTaskQueue, calls: starts });
    this.state.nextSeq += batch.length;
    if (this.progress.due()) this.progress.startInBackground();
  }

  /** The contacts ended before the campaign's total (rows removed behind its back): they count as withdrawn. */
  withdrawMissing(): void {
    const { counts, nextSeq } = this.state;
    this.state.counts = { ...counts, cancelledBeforeDispatch: counts.cancelledBeforeDispatch + (this.input.total - nextSeq) };
    this.state.nextSeq = this.input.total;
  }

  async continueAsNew(): Promise<never> {
    await this.progress.drained();
    await this.progress.writeNow();
    const carried = { ...this.state, inFlight: [...this.inFlight], waiting: [...this.waiting], unsaved: this.progress.unsaved() };
    return continueAsNew<typeof campaignWorkflow>({ ...this.input, state: carried });
  }

  /**
   * Every contact is dispatched (or withdrawn by a cancel): waits for the open calls to report back.
   * The query says "finished" only once the database does: a reader that sees the campaign done must
   * find every contact's outcome written. Then its webhook hears that it finished.
   */
  async finish(): Promise<CampaignStatus> {
    for (;;) {
      if (this.cancelRequested && !this.cancelHandled) {
        this.cancelHandled = true;
        await this.withdrawAndCancel();
      }
      if (this.settled) break;
      await this.waitFor(() => this.settled, () => this.cancelRequested && !this.cancelHandled);
    }
    const final: CampaignStatus = this.cancelHandled ? 'cancelled' : 'completed';
    await this.progress.drained();
    await this.progress.writeNow(final);
    this.status = final;
    const { counts } = this.state;
    await outcomeWebhooks.announceCampaignFinished({
      campaignId: this.input.campaignId,
      orgId: this.input.template.orgId,
      status: final,
      counts: { total: this.input.total, dispatched: counts.dispatched, finished: counts.finished, outcomes: counts.outcomes },
      callbackUrl: this.input.template.callbackUrl,
      occurredAt: new Date().toISOString(),
    });
    log.info('campaign finished', { status: final, dispatched: this.state.counts.dispatched, finished: this.state.counts.finished });
    return final;
  }

  private async withdrawAndCancel(): Promise<void> {
    this.status = 'cancelling';
    const withdrawn = this.input.total - this.state.nextSeq;
    if (withdrawn > 0) {
      await campaignRecords.withdrawPendingContacts({ campaignId: this.input.campaignId, fromSeq: this.state.nextSeq });
      this.withdrawMissing();
    }
    // Calls that have not been dialled yet stop; one already ringing or talking finishes on its own.
    await Promise.all(
      [...this.inFlight, ...this.waiting].map((callId) =>
        getExternalWorkflowHandle(callWorkflowId(callId))
          .signal(cancelSignal, { reason: 'campaign cancelled', onlyBeforeDial: true })
          .catch((err: unknown) => log.warn('could not cancel a campaign call', { callId, error: String(err) })),
      ),
    );
    await this.progress.drained();
    await this.progress.writeNow();
  }

  /** Counts the contact as dispatched; null when it cannot be called (its agent is gone) and is settled at once. */
  private prepareCall(contact: CampaignContactToCall): CallStart | null {
    this.state.counts = { ...this.state.counts, dispatched: this.state.counts.dispatched + 1 };
    this.progress.noteDispatched(contact.seq, contact.callId);
    if (contact.unavailableReason) {
      this.inFlight.add(contact.callId);
      this.settle({ callId: contact.callId, status: 'failed', failureReason: contact.unavailableReason, attempts: 0 });
      return null;
    }
    const scheduled = !holdsSlot(contact);
    (scheduled ? this.waiting : this.inFlight).add(contact.callId);
    const input = callWorkflowInput(this.input.template, {
      callId: contact.callId,
      phoneNumber: contact.phoneNumber,
      agentId: contact.agentId,
      priority: contact.priority ?? undefined,
      maxCallDurationSec: contact.maxCallDurationSec,
      record: contact.record,
      campaignId: this.input.campaignId,
      metadata: contact.variables,
      scheduledFor: scheduled && contact.scheduledFor ? contact.scheduledFor : undefined,
      timezone: contact.timezone,
      legalTimezones: contact.legalTimezones,
    });
    return { input, status: scheduled ? 'scheduled' : 'waiting_for_line' };
  }
}

/** A contact due now holds a slot; one scheduled for later waits without one. */
function holdsSlot(contact: CampaignContactToCall): boolean {
  return !(contact.scheduledFor && Date.parse(contact.scheduledFor) > Date.now());
}
