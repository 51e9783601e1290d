import {
  ApplicationFailure,
  ParentClosePolicy,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { GreetingPrewarmActivities } from '../activities/greeting-prewarm';
import type { OrgCallLimitActivities } from '../activities/org-call-limits';
import type { ScheduleRecordActivities } from '../activities/schedule-records';
import type { WorkflowLookupActivities } from '../activities/workflow-lookup';
import { NEXT_ATTEMPT_AT_KEY } from '../domain/call-search-attributes';
import { callWorkflowInput, initialCallSearchAttributes } from '../domain/call-start';
import { nextCallableTime } from '../domain/daily-window';
import { firstDialWindows } from '../domain/call-window-settings';
import { firstOccurrenceIndexAtOrAfter, occurrenceAt, upcomingOccurrences } from '../domain/recurrence';
import type { SeriesStatus, SkipReason } from '../domain/schedule-records';
import {
  occurrenceCallId,
  type RecurrenceWorkflowInput,
  type SeriesProgress,
  type SeriesStatusView,
  type UpcomingOccurrence,
} from '../domain/series-types';
import {
  callWorkflowId,
  cancelSeriesUpdate,
  pauseSeriesUpdate,
  resumeSeriesUpdate,
  seriesStatusQuery,
  skipNextOccurrenceUpdate,
} from './messages';
import { DATABASE_WRITE_OPTIONS, GREETING_PREWARM_OPTIONS } from './activity-options';
import { callWorkflow } from './call/call-workflow';

/**
 * One repeating call (`series-<seriesId>`): computes each occurrence from its rule in the series'
 * time zone, moves it into the calling windows, sleeps, and starts the occurrence as a child
 * `callWorkflow` that outlives it (its own retries included). An occurrence whose predecessor is
 * still running is skipped, not overlapped. Continue-as-new keeps history small over years.
 */

const records = proxyLocalActivities<ScheduleRecordActivities>(DATABASE_WRITE_OPTIONS);
const orgLimits = proxyLocalActivities<OrgCallLimitActivities>(DATABASE_WRITE_OPTIONS);
const lookup = proxyActivities<WorkflowLookupActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});
const prewarming = proxyActivities<GreetingPrewarmActivities>(GREETING_PREWARM_OPTIONS);

/** Occurrences handled per run before continuing as new; history stays a few hundred events. */
const OCCURRENCES_PER_RUN = 50;
/** A long pause skips many occurrences; only this many are written down one by one. */
const MAX_SKIPS_RECORDED_PER_PAUSE = 100;
const UPCOMING_SHOWN = 5;
const RECENT_SKIPS_SHOWN = 20;

export async function recurrenceWorkflow(input: RecurrenceWorkflowInput): Promise<SeriesStatus> {
  const { seriesId, rule } = input;
  const windows = input.call.callingWindow;
  const progress: SeriesProgress = input.state ?? {
    nextIndex: firstOccurrenceIndexAtOrAfter(rule, Date.now()) ?? Number.MAX_SAFE_INTEGER,
    started: 0,
    paused: false,
    lastCallId: null,
    pendingSkips: 0,
  };
  let status: SeriesStatus = progress.paused ? 'paused' : 'active';
  let cancelRequested = false;
  /** Bumped by every update, so a sleeping loop wakes to look again. */
  let version = 0;
  const recentSkips: SeriesStatusView['recentSkips'] = [];

  const placed = (at: number): number | null => {
    if (!windows) return at;
    const result = nextCallableTime(at, firstDialWindows(windows));
    return result.ok ? result.at : null;
  };

  const view = (): SeriesStatusView => {
    const finished = status === 'completed' || status === 'cancelled';
    const upcoming: UpcomingOccurrence[] = finished
      ? []
      : upcomingOccurrences(rule, progress.nextIndex + progress.pendingSkips, UPCOMING_SHOWN).map(({ index, at }) => {
          const effective = placed(at);
          return { occurrence: index + 1, at: iso(at), effectiveAt: effective === null ? null : iso(effective) };
        });
    const next = status === 'active' ? upcoming[0] : undefined;
    return {
      seriesId,
      status,
      occurrencesStarted: progress.started,
      nextOccurrence: next?.occurrence ?? null,
      nextOccurrenceAt: next?.effectiveAt ?? null,
      upcoming,
      pendingSkips: progress.pendingSkips,
      lastCallId: progress.lastCallId,
      recentSkips: [...recentSkips],
    };
  };

  const refuseIfFinished = () => {
    if (status === 'completed' || status === 'cancelled' || cancelRequested) {
      throw ApplicationFailure.create({ type: 'SERIES_FINISHED', message: `the series is ${cancelRequested ? 'cancelled' : status}`, nonRetryable: true });
    }
  };

  setHandler(seriesStatusQuery, view);
  setHandler(
    pauseSeriesUpdate,
    () => {
      status = 'paused';
      progress.paused = true;
      version += 1;
      return view();
    },
    { validator: refuseIfFinished },
  );
  setHandler(
    resumeSeriesUpdate,
    () => {
      status = 'active';
      progress.paused = false;
      version += 1;
      return view();
    },
    { validator: refuseIfFinished },
  );
  setHandler(
    skipNextOccurrenceUpdate,
    () => {
      progress.pendingSkips += 1;
      version += 1;
      return view();
    },
    {
      validator: () => {
        refuseIfFinished();
        if (occurrenceAt(rule, progress.nextIndex + progress.pendingSkips) === null) {
          throw ApplicationFailure.create({ type: 'NOTHING_TO_SKIP', message: 'the series has no further occurrence', nonRetryable: true });
        }
      },
    },
  );
  setHandler(
    cancelSeriesUpdate,
    () => {
      cancelRequested = true;
      version += 1;
      return { ...view(), status: 'cancelled' as const };
    },
    { validator: refuseIfFinished },
  );

  const saveState = (nextAt: number | null, reason: string | null = null) => {
    upsertSearchAttributes([{ key: NEXT_ATTEMPT_AT_KEY, value: nextAt === null ? null : new Date(nextAt) }]);
    return records.recordSeriesState({
      seriesId,
      status,
      statusReason: reason,
      nextOccurrenceIndex: progress.nextIndex,
      nextOccurrenceAt: nextAt === null ? null : iso(nextAt),
      occurrencesStarted: progress.started,
      lastCallId: progress.lastCallId,
    });
  };

  const skip = async (index: number, reason: SkipReason) => {
    const at = iso(Date.now());
    recentSkips.push({ occurrence: index + 1, at, reason });
    if (recentSkips.length > RECENT_SKIPS_SHOWN) recentSkips.shift();
    await records.recordSeriesSkip({ seriesId, occurrence: index + 1, at, reason });
    const callId = occurrenceCallId(seriesId, index);
    if (planned === callId) planned = null;
    await records.recordScheduleStatus({ scheduledCallId: callId, status: 'cancelled', finalStatus: 'skipped', finalFailureReason: reason });
    log.info('series occurrence skipped', { occurrence: index + 1, reason });
  };

  /** The occurrence whose schedule row is written but whose call has not started. */
  let planned: string | null = null;

  const end = async (final: SeriesStatus, reason: string | null): Promise<SeriesStatus> => {
    status = final;
    if (planned && final === 'cancelled') {
      await records.recordScheduleStatus({ scheduledCallId: planned, status: 'cancelled', finalStatus: 'cancelled', finalFailureReason: 'cancelled' });
    }
    await saveState(null, reason);
    return final;
  };

  for (let handled = 0; ; ) {
    if (cancelRequested) return end('cancelled', 'cancelled by request');

    if (status === 'paused') {
      await saveState(null, 'paused');
      await condition(() => status !== 'paused' || cancelRequested);
      if (cancelRequested) continue;
      await skipMissed();
    }

    if (progress.pendingSkips > 0) {
      progress.pendingSkips -= 1;
      await skip(progress.nextIndex, 'skipped_by_request');
      progress.nextIndex += 1;
      continue;
    }

    const index = progress.nextIndex;
    const ruleAt = occurrenceAt(rule, index);
    if (ruleAt === null) return end('completed', 'no occurrences left');
    const effectiveAt = placed(ruleAt);
    if (effectiveAt === null) {
      await skip(index, 'no_callable_time');
      progress.nextIndex += 1;
      continue;
    }

    const callId = occurrenceCallId(seriesId, index);
    await records.recordOccurrence({
      seriesId,
      occurrence: index + 1,
      callId,
      workflowId: callWorkflowId(callId),
      phoneNumber: input.call.phoneNumber,
      agentId: input.call.agentId,
      scheduledFor: iso(ruleAt),
      effectiveAt: iso(effectiveAt),
      timezone: rule.timezone,
      businessHours: windows?.business ?? null,
      priority: input.call.priority,
      retryPolicy: input.call.retryPolicy ?? null,
      metadata: input.call.metadata ?? {},
    });
    planned = callId;
    await saveState(effectiveAt);

    const outcome = await sleepUntil(effectiveAt, callId);
    if (outcome === 'interrupted') continue;

    const previous = progress.lastCallId;
    if (previous && (await lookup.isWorkflowRunning(callWorkflowId(previous)))) {
      await skip(index, 'previous_still_running');
      progress.nextIndex += 1;
      continue;
    }

    const refusal = await orgLimits.reserveOccurrenceCall(input.call.orgId);
    if (refusal) {
      await skip(index, refusal);
      progress.nextIndex += 1;
      continue;
    }

    await startOccurrence(index, callId);
    planned = null;
    progress.started += 1;
    progress.lastCallId = callId;
    progress.nextIndex += 1;
    handled += 1;

    if (handled >= OCCURRENCES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      return continueAsNew<typeof recurrenceWorkflow>({ ...input, state: progress });
    }
  }

  /**
   * Sleeps until the occurrence is due, warming its greeting on the way. Any update (pause, skip,
   * cancel) ends the sleep so the loop decides afresh.
   */
  async function sleepUntil(at: number, callId: string): Promise<'due' | 'interrupted'> {
    const seen = version;
    let prewarmed = !input.prewarmLeadMs;
    while (Date.now() < at) {
      const prewarmAt = prewarmed ? at : at - (input.prewarmLeadMs ?? 0);
      if (prewarmAt <= Date.now()) {
        prewarmed = true;
        void prewarm(callId);
        continue;
      }
      if (await condition(() => version !== seen, Math.max(1, prewarmAt - Date.now()))) return 'interrupted';
    }
    return version === seen ? 'due' : 'interrupted';
  }

  async function prewarm(callId: string): Promise<void> {
    try {
      await prewarming.prewarmGreeting({ agentId: input.call.agentId, metadata: input.call.metadata ?? {} });
      await records.recordScheduleStatus({ scheduledCallId: callId, prewarmedAt: iso(Date.now()) });
    } catch (err) {
      log.warn('greeting prewarm failed; the occurrence will synthesize it live', { error: String(err) });
    }
  }

  /** Occurrences whose time passed during a pause are skipped, not called late in a burst. */
  async function skipMissed(): Promise<void> {
    const resumeFrom = firstOccurrenceIndexAtOrAfter(rule, Date.now()) ?? Number.MAX_SAFE_INTEGER;
    const recordUpTo = Math.min(resumeFrom, progress.nextIndex + MAX_SKIPS_RECORDED_PER_PAUSE);
    for (let index = progress.nextIndex; index < recordUpTo && occurrenceAt(rule, index) !== null; index += 1) {
      await skip(index, 'paused');
    }
    progress.nextIndex = Math.max(progress.nextIndex, resumeFrom);
  }

  async function startOccurrence(index: number, callId: string): Promise<void> {
    const { phoneNumber, agentId, maxCallDurationSec, metadata, record, ...settings } = input.call;
    const callInput = callWorkflowInput(settings, { callId, phoneNumber, agentId, maxCallDurationSec, metadata, record, seriesId, scheduledCallId: callId });
    try {
      await startChild(callWorkflow, {
        workflowId: callWorkflowId(callId),
        taskQueue: input.callTaskQueue,
        args: [callInput],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: initialCallSearchAttributes(callInput, 'waiting_for_line'),
      });
      log.info('series occurrence started', { occurrence: index + 1, callId });
    } catch (err) {
      // Already started by an earlier run of this series (a reset or a replayed continue-as-new).
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
}

function iso(at: number): string {
  return new Date(at).toISOString();
}
