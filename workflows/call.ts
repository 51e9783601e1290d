import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ExotelActivities } from '../activities/exotel';
import type { GreetingPrewarmActivities } from '../activities/greeting-prewarm';
import type { LineGateActivities } from '../activities/line-gate';
import type { MediaControlActivities } from '../activities/media-control';
import type { RecordActivities } from '../activities/records';
import type { ScheduleRecordActivities } from '../activities/schedule-records';
import type { WorkflowSignalActivities } from '../activities/workflow-signals';
import type { AttemptRecord } from '../domain/attempt-record';
import { nextCallableTime, type CallingWindows } from '../domain/daily-window';
import { firstDialWindows, retryWindows } from '../domain/call-window-settings';
import { attemptCallLogId } from '../domain/call-ids';
import { classifyAttempt, isExotelTerminalStatus, type AttemptOutcome, type ExotelTerminalStatus, type MediaOutcome } from '../domain/call-outcome';
import type { CampaignCallFinished } from '../domain/campaign-types';
import { isTerminalStatus, type CallStatus } from '../domain/call-status';
import type {
  AttemptView,
  CallWorkflowInput,
  CallWorkflowResult,
  CallWorkflowStatus,
  ExotelStatusEvent,
  MediaEndedEvent,
  MediaStartedEvent,
  WaitReason,
} from '../domain/call-workflow-types';
import type { DialResult } from '../domain/dial-result';
import type { FailureReason, RecordedFailureReason } from '../domain/failure-reason';
import { DEFAULT_CALL_TIMINGS, type CallTimings } from '../domain/call-timings';
import { decideRetry, resolveRetryPolicy } from '../domain/retry-policy';
import { callSearchAttributes } from '../domain/call-search-attributes';
import { scheduleStatusOf } from '../domain/schedule-records';
import {
  callStatusQuery,
  campaignCallFinishedSignal,
  campaignWorkflowId,
  cancelSignal,
  dialReportSignal,
  exotelStatusSignal,
  lineDelayedSignal,
  lineGateWorkflowId,
  lineGrantedSignal,
  mediaEndedSignal,
  mediaStartedSignal,
  releaseLineSignal,
  rescheduleUpdate,
  retryNowSignal,
} from './messages';
import { DATABASE_WRITE_OPTIONS, GREETING_PREWARM_OPTIONS } from './activity-options';

/**
 * One logical customer call (`call-<callId>`), from its first dial to its final outcome, through
 * every retry. Each attempt: wait for a line → dial (at most once) → follow Exotel's webhooks and the
 * media server's signals → classify → retry or finish. Lost webhooks are settled by asking Exotel;
 * late or duplicate ones for another attempt are ignored.
 */

const DEFAULT_RING_TIMEOUT_SEC = 30;

/**
 * Calling windows, schedule records, DND checks and greeting prewarming came after calls were already
 * running: executions started before them replay without these steps.
 */
export const SCHEDULING_PATCH = 'calling-windows-and-schedules';
/** Campaign calls report their end to their campaign; calls started before campaigns existed do not. */
export const CAMPAIGN_PATCH = 'campaign-call-reports';
/**
 * The line request and the signals to the gate and the campaign go out from local activities, and the
 * call's outcome rides on its last attempt's record: a call that ends on its first attempt takes four
 * workflow tasks instead of seven, and one database write fewer.
 */
export const LOCAL_SIGNALS_PATCH = 'signals-from-local-activities';

const records = proxyLocalActivities<RecordActivities>(DATABASE_WRITE_OPTIONS);
const LINE_REQUEST_OPTIONS = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
} as const;
const gate = proxyActivities<LineGateActivities>(LINE_REQUEST_OPTIONS);
const localGate = proxyLocalActivities<LineGateActivities>(LINE_REQUEST_OPTIONS);
/** A signal that cannot be delivered is logged: the gate's lease and the campaign's audit cover it. */
const signals = proxyLocalActivities<WorkflowSignalActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 5, initialInterval: '200 milliseconds', maximumInterval: '5 seconds' },
});
const mediaControl = proxyActivities<MediaControlActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 5, initialInterval: '500 milliseconds' },
});
const scheduleRecords = proxyLocalActivities<ScheduleRecordActivities>(DATABASE_WRITE_OPTIONS);
const prewarming = proxyActivities<GreetingPrewarmActivities>(GREETING_PREWARM_OPTIONS);

/** Exotel activities run on their own, rate-limited task queue. */
function exotelActivities(taskQueue: string) {
  const dial = proxyActivities<ExotelActivities>({
    taskQueue,
    startToCloseTimeout: '30 seconds',
    // Never re-run a dial: a retry could ring the customer twice.
    retry: { maximumAttempts: 1 },
  });
  const details = proxyActivities<ExotelActivities>({
    taskQueue,
    startToCloseTimeout: '20 seconds',
    retry: { maximumAttempts: 5, initialInterval: '2 seconds', maximumInterval: '30 seconds' },
  });
  return { dialAttempt: dial.dialAttempt, fetchCallDetails: details.fetchCallDetails, checkDnd: details.checkDnd };
}

interface AttemptState {
  number: number;
  callSid?: string;
  dialUnknown: boolean;
  answered: boolean;
  answeredAt?: number;
  exotelStatus?: ExotelTerminalStatus;
  terminalAt?: number;
  endTime?: string;
  durationSec?: number;
  recordingUrl?: string;
  media?: MediaStartedEvent;
  mediaEnded?: MediaEndedEvent;
  /** After a call-details request that settled nothing: when to ask Exotel again. */
  nextReconcileAt?: number;
  hangupRequested: boolean;
  outcome?: AttemptOutcome;
}

export async function callWorkflow(input: CallWorkflowInput): Promise<CallWorkflowResult> {
  const scheduling = patched(SCHEDULING_PATCH);
  const localSignals = patched(LOCAL_SIGNALS_PATCH);
  const windows = scheduling ? input.callingWindow : undefined;
  const timings: CallTimings = { ...DEFAULT_CALL_TIMINGS, ...input.timings };
  const exotel = exotelActivities(input.exotelTaskQueue ?? 'ringline-exotel');
  const policy = resolveRetryPolicy(input.retryPolicy);
  const ringTimeoutSec = input.ringTimeoutSec ?? DEFAULT_RING_TIMEOUT_SEC;
  const workflowId = workflowInfo().workflowId;
  const gateHandle = getExternalWorkflowHandle(lineGateWorkflowId(input.exotelAccount));

  let phase: CallStatus = 'waiting_for_line';
  let waitReason: WaitReason | null = null;
  let nextAttemptAt: number | null = input.scheduledFor ? Date.parse(input.scheduledFor) : null;
  let cancelRequested = false;
  let cancelReason = 'cancelled';
  /** A live conversation gets the agent's goodbye; a call answered after its cancel is closed at once. */
  let cancelledWhileLive = false;
  let retryNowRequested = false;
  /** Set by a cancel that came while an attempt was under way and only stops what comes after it. */
  let retriesWithdrawn = false;
  let lineGranted = false;
  let lineRequested = false;
  let probeGrant = false;
  /** A successful dial not yet told to the gate: it rides on the release. */
  let dialOkUnreported = false;
  let lastOutcome: AttemptOutcome | null = null;
  let finalReason: RecordedFailureReason | null = null;
  const retriesByReason: Partial<Record<FailureReason, number>> = {};
  const attempts: AttemptState[] = [];
  const current = () => attempts[attempts.length - 1];

  const record = (attempt: AttemptState, fields: Partial<AttemptRecord>) =>
    records.recordAttempt({
      callId: input.callId,
      orgId: input.orgId,
      attempt: attempt.number,
      phoneNumber: input.phoneNumber,
      agentId: input.agentId,
      priority: input.priority,
      workflowId,
      campaignId: input.campaignId,
      seriesId: input.seriesId,
      scheduledCallId: input.scheduledCallId,
      metadata: input.metadata,
      status: phase,
      ...fields,
    });

  const setPhase = (next: CallStatus, attempt: number) => {
    phase = next;
    upsertSearchAttributes(
      callSearchAttributes({ status: next, attempt, nextAttemptAt: nextAttemptAt === null ? null : new Date(nextAttemptAt) }),
    );
  };

  // --- handlers -------------------------------------------------------------------------------
  setHandler(exotelStatusSignal, (event: ExotelStatusEvent) => {
    const attempt = current();
    if (!attempt || event.attempt !== attempt.number || attempt.outcome) {
      log.info('ignoring Exotel status for another or finished attempt', { eventAttempt: event.attempt, status: event.status });
      return;
    }
    // Once the attempt's Exotel call is known, events of any other call are not its own (a replayed or forged URL).
    if (attempt.callSid !== undefined && event.callSid !== attempt.callSid) {
      log.warn('ignoring Exotel status for another CallSid', { eventAttempt: event.attempt, status: event.status });
      return;
    }
    attempt.callSid ??= event.callSid;
    if (event.recordingUrl) attempt.recordingUrl = event.recordingUrl;
    if (event.status === 'in-progress' || event.eventType === 'answered') {
      if (!attempt.answered) {
        attempt.answered = true;
        attempt.answeredAt = Date.now();
      }
      return;
    }
    if (isExotelTerminalStatus(event.status) && attempt.exotelStatus === undefined) {
      attempt.exotelStatus = event.status;
      attempt.terminalAt = Date.now();
      attempt.endTime = event.endTime;
      attempt.durationSec = event.conversationDurationSec;
      // Callbacks can be reordered: a completed call was answered even if the answered event is late or lost.
      if (event.status === 'completed' && (event.conversationDurationSec ?? 0) > 0) attempt.answered = true;
    }
  });

  setHandler(mediaStartedSignal, (event: MediaStartedEvent) => {
    const attempt = current();
    if (!attempt || event.attempt !== attempt.number || attempt.outcome) return;
    attempt.media ??= event;
    if (!attempt.answered) {
      attempt.answered = true;
      attempt.answeredAt = Date.now();
    }
  });

  setHandler(mediaEndedSignal, (event: MediaEndedEvent) => {
    const attempt = current();
    if (!attempt || event.attempt !== attempt.number || attempt.outcome) return;
    attempt.mediaEnded ??= event;
  });

  setHandler(cancelSignal, (request) => {
    if (request?.onlyBeforeDial && (phase === 'dialing' || phase === 'ringing' || phase === 'in_progress')) {
      retriesWithdrawn = true;
      return;
    }
    if (!cancelRequested) {
      cancelRequested = true;
      cancelReason = request?.reason ?? 'cancelled';
      cancelledWhileLive = phase === 'in_progress';
    }
  });

  setHandler(retryNowSignal, () => {
    retryNowRequested = true;
  });

  setHandler(lineGrantedSignal, (grant) => {
    if (lineRequested) {
      lineGranted = true;
      probeGrant = grant.probe ?? false;
    } else {
      // A grant for a request we already withdrew: hand it straight back.
      void releaseLine();
    }
  });

  setHandler(lineDelayedSignal, (delay) => {
    if (phase === 'waiting_for_line') waitReason = delay.reason;
  });

  /** Where a requested time lands once the call's windows apply (retries also keep out of peak hours). */
  const placeInWindows = (at: number, forRetry: boolean) => {
    if (!windows) return { ok: true as const, at, moved: false };
    const applicable: CallingWindows = forRetry ? retryWindows(windows) : firstDialWindows(windows);
    return nextCallableTime(at, applicable);
  };

  setHandler(
    rescheduleUpdate,
    ({ at }) => {
      const placed = placeInWindows(Date.parse(at), phase === 'retry_scheduled');
      nextAttemptAt = placed.ok ? placed.at : Date.parse(at);
      retryNowRequested = false;
      return { effectiveAt: new Date(nextAttemptAt).toISOString(), moved: placed.ok && placed.moved };
    },
    {
      validator: ({ at }) => {
        if (phase !== 'scheduled' && phase !== 'retry_scheduled') {
          throw refusal('CALL_NOT_RESCHEDULABLE', `cannot reschedule a call that is ${phase}`);
        }
        const requested = Date.parse(at);
        if (!Number.isFinite(requested)) throw refusal('INVALID_RESCHEDULE_TIME', 'at must be an ISO date-time');
        if (!scheduling) return;
        if (requested < Date.now()) throw refusal('RESCHEDULE_IN_PAST', 'at must not be in the past');
        const placed = placeInWindows(requested, phase === 'retry_scheduled');
        if (!placed.ok) throw refusal('NO_CALLABLE_TIME', placed.message);
      },
    },
  );

  setHandler(callStatusQuery, (): CallWorkflowStatus => ({
    callId: input.callId,
    phase,
    attempt: current()?.number ?? 0,
    attempts: attempts.map(viewOf),
    nextAttemptAt: nextAttemptAt === null ? null : new Date(nextAttemptAt).toISOString(),
    waitReason,
    lastOutcome,
    finalReason,
    cancelRequested,
    retriesByReason: { ...retriesByReason },
  }));

  function viewOf(a: AttemptState): AttemptView {
    return {
      attempt: a.number,
      callLogId: attemptCallLogId(input.callId, a.number),
      callSid: a.callSid,
      exotelStatus: a.exotelStatus ?? (a.answered ? 'in-progress' : undefined),
      answered: a.answered,
      mediaConnected: Boolean(a.media),
      outcome: a.outcome,
      endedAt: a.endTime,
    };
  }

  /** `outcomeRecorded`: the last attempt's record already carried the call's outcome. */
  const finish = async (status: CallStatus, reason: RecordedFailureReason | null, outcomeRecorded = false): Promise<CallWorkflowResult> => {
    finalReason = reason;
    nextAttemptAt = null;
    waitReason = null;
    setPhase(status, current()?.number ?? 0);
    if (!outcomeRecorded) await records.recordCallOutcome({ callId: input.callId, status, failureReason: reason, attempts: attempts.length });
    if (scheduling && input.scheduledCallId) {
      await scheduleRecords.recordScheduleStatus({
        scheduledCallId: input.scheduledCallId,
        status: scheduleStatusOf(status),
        finalStatus: status,
        finalFailureReason: reason,
      });
    }
    if (input.campaignId && isTerminalStatus(status) && patched(CAMPAIGN_PATCH)) {
      await reportToCampaign(input.campaignId, { callId: input.callId, status, failureReason: reason, attempts: attempts.length }, localSignals);
    }
    return { callId: input.callId, status, failureReason: reason, attempts: attempts.length };
  };

  // --- waiting until the first dial time ----------------------------------------------------------
  if (windows) {
    const placed = placeInWindows(nextAttemptAt ?? Date.now(), false);
    if (!placed.ok) {
      // The API refuses such windows; a workflow started some other way ends loudly instead of waiting forever.
      log.error('the call has no time inside its calling windows', { message: placed.message });
      attempts.push(newAttempt(1));
      await record(current(), { status: 'failed', failureReason: 'configuration_error' });
      return finish('failed', 'configuration_error');
    }
    if (placed.at > Date.now()) nextAttemptAt = placed.at;
  }
  if (nextAttemptAt !== null && nextAttemptAt > Date.now()) {
    waitReason = input.scheduledFor ? 'scheduled' : 'calling_window';
    setPhase('scheduled', 1);
    await waitForDialTime(false);
    if (cancelRequested) {
      attempts.push(newAttempt(1));
      await record(current(), { status: 'cancelled', failureReason: 'cancelled' });
      return finish('cancelled', 'cancelled');
    }
  }
  if (scheduling && input.scheduledCallId) {
    await scheduleRecords.recordScheduleStatus({ scheduledCallId: input.scheduledCallId, status: 'processing' });
  }
  if (scheduling && input.dndCheck) {
    const blocked = await dndBlocked();
    if (blocked) {
      attempts.push(newAttempt(1));
      const outcome: AttemptOutcome = { status: 'failed', failureReason: blocked };
      current().outcome = outcome;
      lastOutcome = outcome;
      await record(current(), { status: 'failed', failureReason: blocked, timings: { endedAt: nowIso() } });
      return finish('failed', blocked);
    }
  }

  // --- attempts -----------------------------------------------------------------------------------
  for (;;) {
    const attempt = newAttempt(attempts.length + 1);
    attempts.push(attempt);
    retryNowRequested = false;
    nextAttemptAt = null;

    waitReason = 'line_busy';
    setPhase('waiting_for_line', attempt.number);
    const lineRequest = {
      workflowId,
      priority: input.priority,
      requestedAt: nowIso(),
      leaseMs: (ringTimeoutSec + input.maxCallDurationSec) * 1000 + timings.ringGraceMs + timings.callGraceMs,
    };
    if (localSignals) {
      // The queued record and the line request do not depend on each other: together, the line is
      // asked for one database write sooner, which is what a scheduled call's punctuality waits on.
      lineGranted = false;
      lineRequested = true;
      await Promise.all([record(attempt, { timings: { queuedAt: nowIso() } }), localGate.requestLine(input.exotelAccount, lineRequest)]);
    } else {
      await record(attempt, { timings: { queuedAt: nowIso() } });
      lineGranted = false;
      lineRequested = true;
      await gate.requestLine(input.exotelAccount, lineRequest);
    }
    await condition(() => lineGranted || cancelRequested);
    waitReason = null;
    if (!lineGranted) {
      lineRequested = false;
      await releaseLine();
      return settleCancelledBeforeDial(attempt);
    }

    let outcome: AttemptOutcome;
    try {
      outcome = await runAttempt(attempt);
    } finally {
      lineRequested = false;
      lineGranted = false;
      await releaseLine();
    }
    attempt.outcome = outcome;
    lastOutcome = outcome;
    // Decided before the record only where the record carries the call's end (executions without the patch decide after it).
    const decidedFirst = localSignals ? nextStep(outcome) : undefined;
    await record(attempt, {
      status: outcome.status,
      failureReason: outcome.failureReason,
      outboundStatus: attempt.exotelStatus,
      recordingUrl: attempt.recordingUrl,
      timings: { endedAt: attempt.endTime ? toIso(attempt.endTime) : nowIso(), durationSec: attempt.durationSec },
      ...(decidedFirst?.end && { final: { ...decidedFirst.end, attempts: attempts.length } }),
    });
    const step = decidedFirst ?? nextStep(outcome);
    if (step.end) return finish(step.end.status, step.end.failureReason, decidedFirst !== undefined);

    const { reason, decision } = step.retry;
    retriesByReason[reason] = decision.retryNumber;
    nextAttemptAt = Date.now() + decision.delayMs;
    const placed = placeInWindows(nextAttemptAt, true);
    if (placed.ok) nextAttemptAt = placed.at;
    waitReason = 'retry_backoff';
    setPhase('retry_scheduled', attempt.number);
    const retryKey = { originalCallLogId: input.callId, attemptNumber: attempt.number + 1 };
    await records.recordRetryScheduled({
      ...retryKey,
      callLogId: attemptCallLogId(input.callId, attempt.number + 1),
      reason,
      delayMs: decision.delayMs,
      scheduledFor: new Date(nextAttemptAt).toISOString(),
    });
    await waitForDialTime(true);
    if (cancelRequested) {
      await records.recordRetryStatus({ ...retryKey, status: 'cancelled', at: nowIso() });
      return finish('cancelled', 'cancelled');
    }
    await records.recordRetryStatus({ ...retryKey, status: 'dialed', at: nowIso() });
  }

  /** After an attempt: the call ends (and how), or it is retried (why, and when). */
  function nextStep(outcome: AttemptOutcome): NextStep {
    if (outcome.status !== 'failed' || outcome.failureReason === null) return { end: { status: outcome.status, failureReason: outcome.failureReason } };
    if (cancelRequested) return { end: { status: 'cancelled', failureReason: 'cancelled' } };
    if (retriesWithdrawn) return { end: { status: 'failed', failureReason: outcome.failureReason } };
    const reason = outcome.failureReason;
    const decision = decideRetry(reason, retriesByReason[reason] ?? 0, attempts.length, policy, Math.random());
    if (!decision.retry) return { end: { status: 'failed', failureReason: decision.finalReason } };
    return { retry: { reason, decision } };
  }

  // --- waiting -------------------------------------------------------------------------------------
  /**
   * Sleeps until `nextAttemptAt`, which a reschedule may move; a cancel or retry-now ends the wait.
   * Before a scheduled first dial the greeting is warmed once, `prewarmLeadMs` ahead.
   */
  async function waitForDialTime(forRetry: boolean): Promise<void> {
    let prewarmed = forRetry || !scheduling || !input.prewarmLeadMs;
    while (!cancelRequested && !retryNowRequested && nextAttemptAt !== null && nextAttemptAt > Date.now()) {
      const target: number = nextAttemptAt;
      const prewarmAt = prewarmed ? target : target - (input.prewarmLeadMs ?? 0);
      if (prewarmAt <= Date.now()) {
        prewarmed = true;
        void prewarmGreeting();
        continue;
      }
      const moved = await condition(
        () => cancelRequested || retryNowRequested || nextAttemptAt !== target,
        Math.max(1, prewarmAt - Date.now()),
      );
      if (moved && nextAttemptAt !== target && nextAttemptAt !== null) await rescheduled(forRetry);
    }
  }

  async function rescheduled(forRetry: boolean): Promise<void> {
    setPhase(phase, Math.max(1, current()?.number ?? 1));
    if (!scheduling || nextAttemptAt === null) return;
    const effectiveAt = new Date(nextAttemptAt).toISOString();
    if (forRetry) {
      const last = current();
      if (last) {
        await records.recordRetryScheduled({
          originalCallLogId: input.callId,
          attemptNumber: last.number + 1,
          callLogId: attemptCallLogId(input.callId, last.number + 1),
          reason: last.outcome?.failureReason ?? 'rescheduled',
          delayMs: Math.max(0, nextAttemptAt - Date.now()),
          scheduledFor: effectiveAt,
        });
      }
    } else if (input.scheduledCallId) {
      await scheduleRecords.recordScheduleStatus({ scheduledCallId: input.scheduledCallId, effectiveAt });
    }
  }

  /** Runs beside the wait: a slow or failed synthesis must never delay the dial. */
  async function prewarmGreeting(): Promise<void> {
    try {
      await prewarming.prewarmGreeting({ agentId: input.agentId, metadata: input.metadata ?? {} });
      if (input.scheduledCallId) {
        await scheduleRecords.recordScheduleStatus({ scheduledCallId: input.scheduledCallId, prewarmedAt: nowIso() });
      }
    } catch (err) {
      log.warn('greeting prewarm failed; the call will synthesize it live', { error: String(err) });
    }
  }

  /**
   * The DND registry answer for this number; null = dial. An unanswerable lookup dials anyway: Exotel
   * itself refuses DND numbers for non-transactional traffic, so the lookup only saves a wasted attempt.
   */
  async function dndBlocked(): Promise<FailureReason | null> {
    try {
      const answer = await exotel.checkDnd(input.phoneNumber);
      return answer.dnd ? 'dnd_blocked' : null;
    } catch (err) {
      const cause = err instanceof ActivityFailure ? err.cause : undefined;
      if (cause instanceof ApplicationFailure && cause.type === 'InvalidNumber') return 'invalid_number';
      log.warn('DND lookup failed; dialing without it', { error: String(err) });
      return null;
    }
  }

  // --- one attempt ----------------------------------------------------------------------------------
  /**
   * The gate may have been terminated by an operator; its lease timeout covers a lost release.
   * Awaited on purpose: a signal still in flight when its sender completes is dropped by the server
   * (tried 2026-12-03 to save a workflow task: lines were never freed). A local activity delivers it
   * before it returns, inside the deciding workflow task.
   */
  async function releaseLine(): Promise<void> {
    const dialOk = dialOkUnreported;
    dialOkUnreported = false;
    const release = dialOk ? { workflowId, dialOk } : { workflowId };
    try {
      if (localSignals) await signals.releaseLineOfGate(input.exotelAccount, release);
      else await gateHandle.signal(releaseLineSignal, release);
    } catch (err) {
      log.warn('could not release the line; the gate reclaims it when the lease ends', { error: String(err) });
    }
  }

  async function reportDial(ok: boolean): Promise<void> {
    try {
      if (localSignals) await signals.reportDialToGate(input.exotelAccount, { workflowId, ok });
      else await gateHandle.signal(dialReportSignal, { workflowId, ok });
    } catch (err) {
      log.warn('could not report the dial result to the line gate', { error: String(err) });
    }
  }

  async function settleCancelledBeforeDial(attempt: AttemptState): Promise<CallWorkflowResult> {
    attempt.outcome = { status: 'cancelled', failureReason: 'cancelled' };
    lastOutcome = attempt.outcome;
    await record(attempt, { status: 'cancelled', failureReason: 'cancelled', timings: { endedAt: nowIso() } });
    log.info('call cancelled before dialing', { reason: cancelReason });
    return finish('cancelled', 'cancelled');
  }

  async function runAttempt(attempt: AttemptState): Promise<AttemptOutcome> {
    if (cancelRequested) return { status: 'cancelled', failureReason: 'cancelled' };
    setPhase('dialing', attempt.number);
    const dialedAt = nowIso();

    let dial: DialResult;
    try {
      dial = await exotel.dialAttempt({
        callId: input.callId,
        attempt: attempt.number,
        phoneNumber: input.phoneNumber,
        maxCallDurationSec: input.maxCallDurationSec,
        ringTimeoutSec,
      });
    } catch (err) {
      // The activity itself failed or timed out (a worker died mid-request): fate unknown.
      dial = { outcome: 'unknown', detail: err instanceof ActivityFailure ? String(err.cause?.message ?? err.message) : String(err) };
    }
    const failedRequest = dial.outcome === 'unknown' || (dial.outcome === 'rejected' && (dial.reason === 'network_error' || dial.reason === 'rate_limited'));
    if (failedRequest || probeGrant) await reportDial(!failedRequest);
    else dialOkUnreported = true;

    if (dial.outcome === 'rejected') {
      await record(attempt, { timings: { dialedAt } });
      return classifyAttempt({ dialFailure: dial.reason, answered: false, cancelled: cancelRequested });
    }
    if (dial.outcome === 'accepted') attempt.callSid ??= dial.callSid;
    else attempt.dialUnknown = true;

    setPhase('ringing', attempt.number);
    await record(attempt, { exotelCallSid: attempt.callSid, timings: { dialedAt, ringingAt: nowIso() } });
    return followCall(attempt);
  }

  async function followCall(attempt: AttemptState): Promise<AttemptOutcome> {
    let deadline = Date.now() + ringTimeoutSec * 1000 + timings.ringGraceMs;
    let giveUpAt = deadline + timings.reconcileWindowMs;
    let inProgressRecorded = false;
    for (;;) {
      if (attempt.answered && !inProgressRecorded) {
        inProgressRecorded = true;
        setPhase('in_progress', attempt.number);
        deadline = (attempt.answeredAt ?? Date.now()) + input.maxCallDurationSec * 1000 + timings.callGraceMs;
        giveUpAt = deadline + timings.reconcileWindowMs;
        await record(attempt, {
          exotelCallSid: attempt.callSid,
          timings: {
            answeredAt: new Date(attempt.answeredAt ?? Date.now()).toISOString(),
            ...(attempt.media ? { mediaStartedAt: attempt.media.startedAt } : {}),
          },
        });
      }
      if (cancelRequested && attempt.media && !attempt.hangupRequested && !attempt.mediaEnded) {
        attempt.hangupRequested = true;
        await hangUp(attempt);
      }

      const settled = settledOutcome(attempt);
      if (settled) return settled;

      const waitUntil = nextWake(attempt, deadline);
      const snapshot = eventCount(attempt);
      const cancelSnapshot = cancelRequested;
      const woke = await condition(
        () => eventCount(attempt) !== snapshot || cancelRequested !== cancelSnapshot,
        Math.max(1, waitUntil - Date.now()),
      );
      if (woke) continue;

      // A timer ran out with nothing new: settle from what we know, or ask Exotel.
      if (attempt.exotelStatus && attempt.media && !attempt.mediaEnded) {
        return classifyAttempt({ exotelStatus: attempt.exotelStatus, answered: attempt.answered, mediaOutcome: 'connection_lost', cancelled: cancelRequested });
      }
      const reconciled = await reconcile(attempt);
      if (reconciled) return reconciled;
      if (Date.now() >= giveUpAt) return giveUp(attempt);
      deadline = Date.now() + timings.reconcilePollMs;
      attempt.nextReconcileAt = deadline;
    }
  }

  /**
   * Exotel has said nothing conclusive long after the call must have ended: settle from what we saw
   * rather than keep a line and a workflow busy forever.
   */
  function giveUp(attempt: AttemptState): AttemptOutcome {
    log.warn('no conclusive status from Exotel; settling the attempt from what was seen', { attempt: attempt.number });
    if (!attempt.answered) return classifyAttempt({ dialFailure: 'network_error', answered: false, cancelled: cancelRequested });
    return classifyAttempt({
      exotelStatus: 'completed',
      answered: true,
      mediaOutcome: attempt.mediaEnded?.outcome ?? 'connection_lost',
      cancelled: cancelRequested,
    });
  }

  /** The attempt is over once Exotel's terminal status and (for a connected call) the media outcome are in. */
  function settledOutcome(attempt: AttemptState): AttemptOutcome | undefined {
    const mediaOutcome: MediaOutcome | undefined = attempt.mediaEnded?.outcome;
    if (attempt.exotelStatus && (!attempt.media || mediaOutcome)) {
      return classifyAttempt({ exotelStatus: attempt.exotelStatus, answered: attempt.answered, mediaOutcome, cancelled: cancelRequested });
    }
    return undefined;
  }

  function nextWake(attempt: AttemptState, deadline: number): number {
    if (attempt.exotelStatus && attempt.media && !attempt.mediaEnded) {
      return Math.min(deadline, (attempt.terminalAt ?? Date.now()) + timings.mediaAfterTerminalMs);
    }
    if (attempt.mediaEnded && !attempt.exotelStatus) {
      return Math.min(deadline, Math.max(Date.parse(attempt.mediaEnded.endedAt) + timings.terminalAfterMediaMs, attempt.nextReconcileAt ?? 0));
    }
    return deadline;
  }

  async function reconcile(attempt: AttemptState): Promise<AttemptOutcome | undefined> {
    if (!attempt.callSid) {
      // The dial's fate was unknown and Exotel never called back: nothing was placed.
      log.warn('dial outcome unknown and no webhook arrived; treating as not placed', { attempt: attempt.number });
      return classifyAttempt({ dialFailure: 'network_error', answered: false, cancelled: cancelRequested });
    }
    try {
      const details = await exotel.fetchCallDetails(attempt.callSid);
      log.info('reconciled attempt through call details', { attempt: attempt.number, status: details.status });
      if (details.answered) attempt.answered = true;
      if (!isExotelTerminalStatus(details.status)) return undefined;
      attempt.exotelStatus = details.status;
      attempt.endTime = details.endTime ?? undefined;
      attempt.durationSec = details.durationSec ?? undefined;
      attempt.recordingUrl ??= details.recordingUrl ?? undefined;
      return classifyAttempt({
        exotelStatus: details.status,
        answered: attempt.answered,
        mediaOutcome: attempt.mediaEnded?.outcome ?? (attempt.media ? 'connection_lost' : undefined),
        cancelled: cancelRequested,
      });
    } catch (err) {
      log.warn('call details unavailable; will try again', { attempt: attempt.number, error: String(err) });
      return undefined;
    }
  }

  async function hangUp(attempt: AttemptState): Promise<void> {
    const media = attempt.media;
    if (!media) return;
    try {
      await mediaControl.endLiveCall({
        controlUrl: media.controlUrl,
        callId: input.callId,
        attempt: attempt.number,
        mode: cancelledWhileLive ? 'goodbye' : 'immediate',
        reason: cancelReason,
      });
    } catch (err) {
      log.warn('media server did not take the hang-up; Exotel TimeLimit remains the backstop', { error: String(err) });
    }
  }
}

/** A campaign that has already ended (cancelled and drained, or terminated) no longer needs to hear it. */
async function reportToCampaign(campaignId: string, report: CampaignCallFinished, fromLocalActivity: boolean): Promise<void> {
  try {
    if (fromLocalActivity) await signals.reportCallToCampaign(campaignId, report);
    else await getExternalWorkflowHandle(campaignWorkflowId(campaignId)).signal(campaignCallFinishedSignal, report);
  } catch (err) {
    log.warn('could not report the call to its campaign', { campaignId, error: String(err) });
  }
}

type NextStep =
  | { end: { status: CallStatus; failureReason: RecordedFailureReason | null }; retry?: undefined }
  | { end?: undefined; retry: { reason: FailureReason; decision: Extract<ReturnType<typeof decideRetry>, { retry: true }> } };

function refusal(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}

function newAttempt(number: number): AttemptState {
  return { number, dialUnknown: false, answered: false, hangupRequested: false };
}

/** Changes whenever a signal adds something the attempt loop must look at. */
function eventCount(a: AttemptState): number {
  return (
    (a.callSid ? 1 : 0) +
    (a.answered ? 2 : 0) +
    (a.exotelStatus ? 4 : 0) +
    (a.media ? 8 : 0) +
    (a.mediaEnded ? 16 : 0)
  );
}

function nowIso(): string {
  return new Date().toISOString();
}

/** Exotel sends "YYYY-MM-DD HH:mm:ss" (IST); anything unparseable falls back to now. */
function toIso(exotelTime: string): string {
  const parsed = Date.parse(exotelTime.includes('T') ? exotelTime : `${exotelTime.replace(' ', 'T')}+05:30`);
  return Number.isFinite(parsed) ? new Date(parsed).toISOString() : new Date().toISOString();
}
