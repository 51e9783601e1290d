import {
  ApplicationFailure,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { CampaignCallActivities } from '../activities/campaign-calls';
import type { CampaignRecordActivities } from '../activities/campaign-records';
import { campaignIsSettled, countFinishedCall, emptyCampaignCounts } from '../domain/campaign-progress';
import type {
  CampaignCallFinished,
  CampaignContactToCall,
  CampaignRunState,
  CampaignStatus,
  CampaignStatusView,
  CampaignWorkflowInput,
} from '../domain/campaign-types';
import { callWorkflowInput, initialCallSearchAttributes, type CallStart } from '../domain/call-start';
import {
  callWorkflowId,
  campaignCallFinishedSignal,
  campaignStatusQuery,
  cancelCampaignUpdate,
  cancelSignal,
  pauseCampaignUpdate,
  resumeCampaignUpdate,
} from './messages';
import { callWorkflow } from './call/call-workflow';

/**
 * A list of contacts called as one durable campaign (`campaign-<campaignId>`). Contacts are read from
 * the database a page at a time, never carried in history; each becomes a `callWorkflow` of its own
 * (`call-<campaignId>-<n>`, started by an activity, so continue-as-new never cuts a call) that
 * reports back with a signal when it ends. The call's workflow id is the exactly-once guarantee: a
 * contact dispatched before a crash or a continue-as-new cannot be dialled a second time.
 */

const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_CONTACTS_PER_RUN = 1_000;
const DEFAULT_AUDIT_MS = 5 * 60_000;
/** Progress is written once this many changes have piled up, or after FLUSH_AFTER_MS. */
const FLUSH_BATCH = 100;
const FLUSH_AFTER_MS = 1_000;
/** Calls waiting for their own time hold no slot; past this many, the campaign waits for some to end. */
const MAX_WAITING = 1_000;
/**
 * Progress writes go on beside dispatching instead of holding it up, and the next page of contacts
 * is read while this one is dispatched: at 10,000 contacts a write of 100 contacts' rows took
 * seconds and a page read one, and dispatching waited for five of them per 200 calls.
 */
export const BACKGROUND_IO_PATCH = 'campaign-io-in-background';
/**
 * Calls are started by an activity, a page at a time, as top-level workflows instead of children:
 * each child's start and end were two more events on this one workflow, and at thousands of
 * contacts the campaign's own history was what every call queued behind.
 */
export const STARTS_BY_ACTIVITY_PATCH = 'campaign-calls-started-by-activity';

/**
 * Regular activities, not local ones: a progress write can take seconds while hundreds of calls write
 * too, and a local activity would hold the campaign's workflow task open (and past its timeout) all
 * that time. Writes are batched, so they cost few history events.
 */
const records = proxyActivities<CampaignRecordActivities & CampaignCallActivities>({
  // A batch of writes on FerretDB under load can take minutes (tens of ms per write at 10,000 contacts);
  // a one-minute limit made such a batch time out and start over for ever. Heartbeats catch a dead worker.
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function campaignWorkflow(input: CampaignWorkflowInput): Promise<CampaignStatus> {
  const { campaignId, total } = input;
  const backgroundIo = patched(BACKGROUND_IO_PATCH);
  const startsByActivity = patched(STARTS_BY_ACTIVITY_PATCH);
  const pageSize = input.pageSize ?? DEFAULT_PAGE_SIZE;
  const contactsPerRun = input.contactsPerRun ?? DEFAULT_CONTACTS_PER_RUN;
  const auditMs = input.inFlightAuditMs ?? DEFAULT_AUDIT_MS;
  const state: CampaignRunState = input.state ?? {
    nextSeq: 0,
    counts: emptyCampaignCounts(),
    inFlight: [],
    waiting: [],
    paused: false,
    throttle: input.throttle,
  };
  const inFlight = new Set(state.inFlight);
  const waiting = new Set(state.waiting);
  let status: CampaignStatus = state.paused ? 'paused' : 'running';
  let cancelRequested = false;
  const startsAt = input.state ? null : (input.scheduledFor ?? null);
  let waitingForStart = startsAt !== null && Date.parse(startsAt) > Date.now();
  if (waitingForStart) status = 'scheduled';

  let pendingDispatched: { seq: number; callId: string }[] = state.unsaved?.dispatched ?? [];
  let pendingFinished: CampaignCallFinished[] = state.unsaved?.finished ?? [];
  let firstPendingAt: number | null = pendingDispatched.length + pendingFinished.length > 0 ? Date.now() : null;

  const open = () => inFlight.size + waiting.size;
  const view = (): CampaignStatusView => ({
    campaignId,
    status,
    total,
    nextSeq: state.nextSeq,
    dispatched: state.counts.dispatched,
    finished: state.counts.finished,
    inFlight: inFlight.size,
    waiting: waiting.size,
    outcomes: { ...state.counts.outcomes },
    cancelledBeforeDispatch: state.counts.cancelledBeforeDispatch,
    throttle: state.throttle,
    startsAt: waitingForStart ? startsAt : null,
  });

  const refuseIfFinished = () => {
    if (status === 'completed' || status === 'cancelled' || cancelRequested) {
      throw ApplicationFailure.create({
        type: 'CAMPAIGN_FINISHED',
        message: `the campaign is ${cancelRequested ? 'cancelled' : status}`,
        nonRetryable: true,
      });
    }
  };

  const noteChange = () => {
    firstPendingAt ??= Date.now();
  };

  const settle = (call: CampaignCallFinished) => {
    // Only a call still counted as open is counted as finished: a late or repeated report changes nothing.
    if (!inFlight.delete(call.callId) && !waiting.delete(call.callId)) return;
    state.counts = countFinishedCall(state.counts, call);
    pendingFinished.push(call);
    noteChange();
  };

  setHandler(campaignStatusQuery, view);
  setHandler(campaignCallFinishedSignal, settle);
  setHandler(
    pauseCampaignUpdate,
    () => {
      state.paused = true;
      if (!waitingForStart) status = 'paused';
      noteChange();
      return view();
    },
    { validator: refuseIfFinished },
  );
  setHandler(
    resumeCampaignUpdate,
    () => {
      state.paused = false;
      status = waitingForStart ? 'scheduled' : 'running';
      noteChange();
      return view();
    },
    { validator: refuseIfFinished },
  );
  setHandler(
    cancelCampaignUpdate,
    () => {
      cancelRequested = true;
      return { ...view(), status: 'cancelling' as const };
    },
    { validator: refuseIfFinished },
  );

  /** Writes what piled up; `final` marks the campaign finished in the same write. */
  const flush = async (final?: CampaignStatus) => {
    const dispatchedSeqs = pendingDispatched;
    const finishedCalls = pendingFinished;
    pendingDispatched = [];
    pendingFinished = [];
    firstPendingAt = null;
    await records.recordCampaignProgress({
      campaignId,
      status: final ?? status,
      counts: state.counts,
      inFlight: inFlight.size,
      waiting: waiting.size,
      dispatchedSeqs,
      finishedCalls,
      completed: final !== undefined,
    });
  };
  const pendingCount = () => pendingDispatched.length + pendingFinished.length;
  const flushDue = () => pendingCount() >= FLUSH_BATCH || (firstPendingAt !== null && Date.now() - firstPendingAt >= FLUSH_AFTER_MS);

  /**
   * One write at a time, so that a contact's outcome never lands before its dispatch. With the patch
   * the write runs beside what the workflow does next; without it, the workflow waits for it.
   */
  let flushing: Promise<void> | null = null;
  const startFlush = async () => {
    if (!backgroundIo) return flush();
    if (flushing) return;
    flushing = flush().finally(() => {
      flushing = null;
    });
    // Awaited before the run ends; one that fails before then (the run cancelled) must not fail the task on its own.
    void flushing.catch(() => undefined);
  };
  /** Every write started has landed. */
  const flushed = async () => {
    while (flushing) await flushing;
  };

  /**
   * Waits until `ready()` or a cancel, writing progress as it piles up and asking now and then about
   * calls that hold a slot without having reported back.
   */
  const waitFor = async (ready: () => boolean, interrupted: () => boolean = () => cancelRequested) => {
    let lastAudit = Date.now();
    for (;;) {
      if (ready() || interrupted()) return;
      if (flushDue() && !flushing) await startFlush();
      if (Date.now() - lastAudit >= auditMs && open() > 0) {
        lastAudit = Date.now();
        for (const call of await records.findEndedCampaignCalls([...inFlight, ...waiting])) settle(call);
        continue;
      }
      // A write under way wakes the wait when it lands; the next one is due no sooner.
      const untilFlush = flushing || firstPendingAt === null ? Infinity : firstPendingAt + FLUSH_AFTER_MS - Date.now();
      const wasFlushing = flushing !== null;
      const untilAudit = open() > 0 ? lastAudit + auditMs - Date.now() : Infinity;
      const timeout = Math.max(1, Math.min(untilFlush, untilAudit));
      await condition(
        () => ready() || interrupted() || (!flushing && pendingCount() >= FLUSH_BATCH) || (wasFlushing && !flushing),
        Number.isFinite(timeout) ? timeout : undefined,
      );
    }
  };

  if (waitingForStart && startsAt) {
    await flush();
    await condition(() => cancelRequested, Math.max(1, Date.parse(startsAt) - Date.now()));
    waitingForStart = false;
    if (!cancelRequested) status = state.paused ? 'paused' : 'running';
  }
  if (!input.state && !cancelRequested) await records.markCampaignStarted(campaignId);

  let dispatchedThisRun = 0;
  let page: CampaignContactToCall[] = [];
  let nextPage: { fromSeq: number; rows: Promise<CampaignContactToCall[]> } | null = null;
  const readPage = (fromSeq: number) => records.loadCampaignContacts({ campaignId, fromSeq, limit: pageSize });
  while (!cancelRequested && state.nextSeq < total) {
    await waitFor(() => !state.paused);
    if (status === 'paused' && !state.paused) status = 'running';
    if (cancelRequested) break;
    if (dispatchedThisRun >= contactsPerRun || workflowInfo().continueAsNewSuggested) {
      await flushed();
      await flush();
      return continueAsNew<typeof campaignWorkflow>({
        ...input,
        state: {
          ...state,
          inFlight: [...inFlight],
          waiting: [...waiting],
          unsaved: { dispatched: pendingDispatched, finished: pendingFinished },
        },
      });
    }
    if (page.length === 0 || page[0].seq !== state.nextSeq) {
      page = nextPage?.fromSeq === state.nextSeq ? await nextPage.rows : await readPage(state.nextSeq);
      nextPage = null;
      const following = state.nextSeq + page.length;
      // Only a page this run will reach: the next run reads its own.
      if (backgroundIo && page.length > 0 && following < total && dispatchedThisRun + page.length < contactsPerRun) {
        const rows = readPage(following);
        // Awaited when its turn comes; a read that fails before then (the run cancelled) must not fail the task on its own.
        void rows.catch(() => undefined);
        nextPage = { fromSeq: following, rows };
      }
      if (page.length === 0) {
        log.error('campaign contacts end before the campaign total', { nextSeq: state.nextSeq, total });
        state.counts = { ...state.counts, cancelledBeforeDispatch: state.counts.cancelledBeforeDispatch + (total - state.nextSeq) };
        state.nextSeq = total;
        break;
      }
    }

    const contact = page[0];
    const holdsSlot = !(contact.scheduledFor && Date.parse(contact.scheduledFor) > Date.now());
    await waitFor(() => state.paused || (holdsSlot ? inFlight.size < state.throttle.maxConcurrent : waiting.size < MAX_WAITING));
    if (cancelRequested) break;
    if (state.paused) continue;

    // With no delay, every contact of the page that fits is started at once, not one per round trip.
    const batch: CampaignContactToCall[] = [];
    let slots = state.throttle.maxConcurrent - inFlight.size;
    let room = MAX_WAITING - waiting.size;
    for (const next of page) {
      if (batch.length >= contactsPerRun - dispatchedThisRun) break;
      const slotted = !(next.scheduledFor && Date.parse(next.scheduledFor) > Date.now());
      if (slotted ? slots <= 0 : room <= 0) break;
      if (slotted) slots -= 1;
      else room -= 1;
      batch.push(next);
      if (state.throttle.delayBetweenCallsMs > 0) break;
    }
    page = page.slice(batch.length);
    const starts = batch.map(prepareCall).filter((start): start is CallStart => start !== null);
    if (!startsByActivity) await Promise.all(starts.map(startAsChild));
    else if (starts.length > 0) await records.startCampaignCalls({ taskQueue: input.callTaskQueue, calls: starts });
    state.nextSeq += batch.length;
    dispatchedThisRun += batch.length;
    if (flushDue() && !flushing) await startFlush();
    if (state.throttle.delayBetweenCallsMs > 0 && state.nextSeq < total) {
      await condition(() => cancelRequested, state.throttle.delayBetweenCallsMs);
    }
  }

  // Every contact is dispatched (or withdrawn by a cancel): what is left is waiting for the open calls to report back.
  let cancelHandled = false;
  for (;;) {
    if (cancelRequested && !cancelHandled) {
      cancelHandled = true;
      await withdrawAndCancel();
    }
    if (campaignIsSettled(total, state.nextSeq, open())) break;
    await waitFor(() => campaignIsSettled(total, state.nextSeq, open()), () => cancelRequested && !cancelHandled);
  }
  // The query says "finished" only once the database does: a reader that sees the campaign done must
  // find every contact's outcome written.
  const final: CampaignStatus = cancelHandled ? 'cancelled' : 'completed';
  await flushed();
  await flush(final);
  status = final;
  log.info('campaign finished', { status, dispatched: state.counts.dispatched, finished: state.counts.finished });
  return status;

  async function withdrawAndCancel(): Promise<void> {
    status = 'cancelling';
    const withdrawn = total - state.nextSeq;
    if (withdrawn > 0) {
      await records.withdrawPendingContacts({ campaignId, fromSeq: state.nextSeq });
      state.counts = { ...state.counts, cancelledBeforeDispatch: state.counts.cancelledBeforeDispatch + withdrawn };
      state.nextSeq = total;
    }
    // Calls that have not been dialled yet stop; one already ringing or talking finishes on its own.
    await Promise.all(
      [...inFlight, ...waiting].map((callId) =>
        getExternalWorkflowHandle(callWorkflowId(callId))
          .signal(cancelSignal, { reason: 'campaign cancelled', onlyBeforeDial: true })
          .catch((err: unknown) => log.warn('could not cancel a campaign call', { callId, error: String(err) })),
      ),
    );
    await flushed();
    await flush();
  }

  /** Counts the contact as dispatched; null when it cannot be called (its agent is gone) and is settled at once. */
  function prepareCall(contact: CampaignContactToCall): CallStart | null {
    state.counts = { ...state.counts, dispatched: state.counts.dispatched + 1 };
    pendingDispatched.push({ seq: contact.seq, callId: contact.callId });
    noteChange();
    if (contact.unavailableReason) {
      inFlight.add(contact.callId);
      settle({ callId: contact.callId, status: 'failed', failureReason: contact.unavailableReason, attempts: 0 });
      return null;
    }
    const scheduled = contact.scheduledFor !== null && Date.parse(contact.scheduledFor) > Date.now();
    (scheduled ? waiting : inFlight).add(contact.callId);
    const callInput = callWorkflowInput(input.template, {
      callId: contact.callId,
      phoneNumber: contact.phoneNumber,
      agentId: contact.agentId,
      priority: contact.priority ?? undefined,
      maxCallDurationSec: contact.maxCallDurationSec,
      campaignId,
      metadata: contact.variables,
      scheduledFor: scheduled && contact.scheduledFor ? contact.scheduledFor : undefined,
      timezone: contact.timezone,
      legalTimezones: contact.legalTimezones,
    });
    return { input: callInput, status: scheduled ? 'scheduled' : 'waiting_for_line' };
  }

  /** How runs without STARTS_BY_ACTIVITY_PATCH start a call: as an abandoned child. */
  async function startAsChild(start: CallStart): Promise<void> {
    try {
      await startChild(callWorkflow, {
        workflowId: callWorkflowId(start.input.callId),
        taskQueue: input.callTaskQueue,
        args: [start.input],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: initialCallSearchAttributes(start.input, start.status),
      });
    } catch (err) {
      // Only after a reset: the contact's call exists already. It stays open until it reports or the audit finds it ended.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      log.warn('campaign call was already started', { callId: start.input.callId });
    }
  }
}
