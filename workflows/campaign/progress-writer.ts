import type { CampaignCallFinished, CampaignRunState, CampaignStatus } from '../../domain/campaign-types';

type Unsaved = NonNullable<CampaignRunState['unsaved']>;

/** Progress is written once this many changes have piled up, or after WRITE_AFTER_MS. */
const WRITE_BATCH = 100;
const WRITE_AFTER_MS = 1_000;

/**
 * The campaign's progress writes: dispatches and outcomes pile up and go out in one write per batch,
 * beside dispatching instead of holding it up (at 10,000 contacts a write of 100 contacts' rows took
 * seconds). One write at a time, so that a contact's outcome never lands before its dispatch.
 */
export class ProgressWriter {
  private dispatched: Unsaved['dispatched'];
  private finished: CampaignCallFinished[];
  private firstPendingAt: number | null;
  private writing: Promise<void> | null = null;

  constructor(
    unsaved: Unsaved | undefined,
    private readonly write: (pending: Unsaved, final: CampaignStatus | undefined) => Promise<void>,
  ) {
    this.dispatched = unsaved?.dispatched ?? [];
    this.finished = unsaved?.finished ?? [];
    this.firstPendingAt = this.pendingCount > 0 ? Date.now() : null;
  }

  noteDispatched(seq: number, callId: string): void {
    this.dispatched.push({ seq, callId });
    this.noteChange();
  }

  noteFinished(call: CampaignCallFinished): void {
    this.finished.push(call);
    this.noteChange();
  }

  /** A change of the campaign's own state (paused, resumed) that the next write carries. */
  noteChange(): void {
    this.firstPendingAt ??= Date.now();
  }

  get busy(): boolean {
    return this.writing !== null;
  }

  get batchFull(): boolean {
    return this.pendingCount >= WRITE_BATCH;
  }

  due(): boolean {
    return this.batchFull || (this.firstPendingAt !== null && Date.now() - this.firstPendingAt >= WRITE_AFTER_MS);
  }

  /** How long until a write is due by age; Infinity while one is under way or nothing is pending. */
  msUntilDue(): number {
    return this.writing || this.firstPendingAt === null ? Infinity : this.firstPendingAt + WRITE_AFTER_MS - Date.now();
  }

  /** Starts a write of what piled up, unless one is under way (the next one takes the rest). */
  startInBackground(): void {
    if (this.writing) return;
    this.writing = this.writeNow().finally(() => {
      this.writing = null;
    });
    // Awaited before the run ends; one that fails before then (the run cancelled) must not fail the task on its own.
    void this.writing.catch(() => undefined);
  }

  /** Every write started has landed. */
  async drained(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Writes what piled up now; `final` marks the campaign finished in the same write. */
  async writeNow(final?: CampaignStatus): Promise<void> {
    const pending = { dispatched: this.dispatched, finished: this.finished };
    this.dispatched = [];
    this.finished = [];
    this.firstPendingAt = null;
    await this.write(pending, final);
  }

  /** What is not written yet, carried over continue-as-new. */
  unsaved(): Unsaved {
    return { dispatched: this.dispatched, finished: this.finished };
  }

  private get pendingCount(): number {
    return this.dispatched.length + this.finished.length;
  }
}
