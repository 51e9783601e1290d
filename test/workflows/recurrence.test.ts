import { DateTime } from 'luxon';
import { RecurrenceSeries } from '../../db/models/recurrence-series';
import { countInWindow } from '../../db/models/usage-counter';
import { ScheduledCall } from '../../db/models/scheduled-call';
import type { RecurrenceRule } from '../../domain/recurrence';
import type { SeriesStatus } from '../../domain/schedule-records';
import type { RecurrenceWorkflowInput } from '../../domain/series-types';
import { occurrenceCallId } from '../../domain/series-types';
import {
  callWorkflowId,
  pauseSeriesUpdate,
  resumeSeriesUpdate,
  seriesStatusQuery,
  seriesWorkflowId,
  skipNextOccurrenceUpdate,
} from '../../workflows/messages';
import { recurrenceWorkflow } from '../../workflows/recurrence';
import { saveRecordedHistories, type RecordedWorkflow } from '../helpers/recorded-histories';
import { FAST_TIMINGS, startCallStack, type CallStack } from '../helpers/call-stack';
import { dialTimes, numberFor } from '../helpers/schedule-helpers';
import { uniqueName } from '../helpers/temporal-test-env';

/**
 * Recurring series on the real dev server. The workflow tests compress a series into seconds with the
 * rule's `compressedPeriodMs` (occurrence n comes n periods after the first instead of n days later);
 * the calendar rules themselves — DST, month ends — are covered across whole years by the pure tests.
 */
let stack: CallStack;

beforeAll(async () => {
  stack = await startCallStack({ label: 'series' });
});

/** `RINGLINE_RECORD_HISTORIES=1` saves these workflows' histories as replay fixtures (test/workflows/replay.test.ts). */
const recorded: RecordedWorkflow[] = [];

afterAll(async () => {
  if (stack) await saveRecordedHistories(stack.env.client, recorded);
  await stack?.stop();
});

const ZONE = 'Asia/Kolkata';

/** A rule whose first occurrence is `firstInMs` from now and whose next ones follow every `periodMs`. */
function compressedRule(firstInMs: number, periodMs: number, extra: Partial<RecurrenceRule> = {}): RecurrenceRule {
  const first = DateTime.now().setZone(ZONE).plus({ milliseconds: firstInMs }).startOf('second').plus({ seconds: 1 });
  return {
    frequency: 'daily',
    interval: 1,
    startDate: first.toISODate()!,
    timeOfDay: first.toFormat('HH:mm:ss'),
    timezone: ZONE,
    compressedPeriodMs: periodMs,
    ...extra,
  };
}

async function rowExists(scheduledCallId: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await ScheduledCall.exists({ _id: scheduledCallId }))) {
    if (Date.now() > deadline) throw new Error(`no scheduled-call row ${scheduledCallId} within 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function startSeries(rule: RecurrenceRule, phoneNumber: string, orgId?: string): Promise<{ seriesId: string; handle: ReturnType<CallStack['env']['client']['workflow']['getHandle']> }> {
  const seriesId = uniqueName('ser');
  await RecurrenceSeries.create({
    _id: seriesId,
    workflowId: seriesWorkflowId(seriesId),
    agentId: stack.agentId,
    phoneNumber,
    phoneLast4: phoneNumber.slice(-4),
    frequency: rule.frequency,
    timeOfDay: rule.timeOfDay,
    timezone: rule.timezone,
    startDate: rule.startDate,
  });
  const input: RecurrenceWorkflowInput = {
    seriesId,
    rule,
    callTaskQueue: stack.config.TEMPORAL_TASK_QUEUE,
    call: {
      ...(orgId ? { orgId } : {}),
      phoneNumber,
      agentId: stack.agentId,
      priority: 'medium',
      maxCallDurationSec: 30,
      exotelAccount: stack.config.EXOTEL_ACCOUNT_SID,
      exotelTaskQueue: stack.config.TEMPORAL_EXOTEL_TASK_QUEUE,
      ringTimeoutSec: 5,
      timings: FAST_TIMINGS,
      metadata: {},
      callingWindow: { timezone: ZONE, legal: { start: '00:00', end: '24:00' } },
    },
  };
  const handle = await stack.env.client.workflow.start(recurrenceWorkflow, {
    workflowId: seriesWorkflowId(seriesId),
    taskQueue: stack.config.TEMPORAL_TASK_QUEUE,
    args: [input],
  });
  return { seriesId, handle };
}

async function callResults(seriesId: string, occurrences: number[]): Promise<string[]> {
  return Promise.all(
    occurrences.map(async (n) => {
      const result = await stack.env.client.workflow.getHandle(callWorkflowId(occurrenceCallId(seriesId, n - 1))).result();
      return (result as { status: string }).status;
    }),
  );
}

describe('recurrenceWorkflow', () => {
  it('runs each occurrence as its own call and stops at maxOccurrences', async () => {
    const phone = numberFor('000');
    const { seriesId, handle } = await startSeries(compressedRule(1_000, 2_500, { maxOccurrences: 3 }), phone);
    const early = await handle.query(seriesStatusQuery);
    expect(early.upcoming.map((u) => u.occurrence)).toEqual([1, 2, 3]);

    expect(await handle.result()).toBe<SeriesStatus>('completed');
    expect(await callResults(seriesId, [1, 2, 3])).toEqual(['completed', 'completed', 'completed']);
    const dials = (await Promise.all([1, 2, 3].map((n) => dialTimes(stack.sim, occurrenceCallId(seriesId, n - 1))))).map((d) => d.length);
    expect(dials).toEqual([1, 1, 1]);

    const row = await RecurrenceSeries.findById(seriesId).lean();
    expect(row).toMatchObject({ status: 'completed', occurrencesStarted: 3, nextOccurrenceAt: null, lastCallId: occurrenceCallId(seriesId, 2) });
    const schedules = await ScheduledCall.find({ seriesId }).sort({ occurrence: 1 }).lean();
    expect(schedules.map((s) => [s.occurrence, s.status])).toEqual([
      [1, 'completed'],
      [2, 'completed'],
      [3, 'completed'],
    ]);
  });

  it('ends after the last occurrence on or before endDate', async () => {
    // Daily in real days: today's occurrence is the only one on or before an endDate of today.
    const rule = compressedRule(1_000, 24 * 3_600_000);
    const { seriesId, handle } = await startSeries({ ...rule, endDate: rule.startDate }, numberFor('000'));
    expect(await handle.result()).toBe('completed');
    expect(await callResults(seriesId, [1])).toEqual(['completed']);
    expect(await RecurrenceSeries.findById(seriesId).lean()).toMatchObject({ occurrencesStarted: 1, status: 'completed' });
  });

  it('skips the next occurrence on request', async () => {
    const { seriesId, handle } = await startSeries(compressedRule(2_000, 2_000, { maxOccurrences: 3 }), numberFor('000'));
    // As a user would: skip the occurrence once it is listed among the scheduled calls.
    await rowExists(occurrenceCallId(seriesId, 0));
    const view = await handle.executeUpdate(skipNextOccurrenceUpdate);
    expect(view.pendingSkips).toBe(1);
    expect(view.upcoming[0].occurrence).toBe(2);
    expect(await handle.result()).toBe('completed');
    recorded.push({ name: 'series-skip-next', workflowId: seriesWorkflowId(seriesId) });

    expect(await dialTimes(stack.sim, occurrenceCallId(seriesId, 0))).toEqual([]);
    expect(await callResults(seriesId, [2, 3])).toEqual(['completed', 'completed']);
    const row = await RecurrenceSeries.findById(seriesId).lean();
    expect(row?.skipped.map((s) => [s.occurrence, s.reason])).toEqual([[1, 'skipped_by_request']]);
    expect(await ScheduledCall.findById(occurrenceCallId(seriesId, 0)).lean()).toMatchObject({ status: 'cancelled', finalStatus: 'skipped' });
  });

  it('paused, calls nobody; resumed, skips what it missed and goes on', async () => {
    const { seriesId, handle } = await startSeries(compressedRule(2_000, 3_000, { maxOccurrences: 3 }), numberFor('000'));
    const paused = await handle.executeUpdate(pauseSeriesUpdate);
    expect(paused).toMatchObject({ status: 'paused', nextOccurrenceAt: null });
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    expect(await dialTimes(stack.sim, occurrenceCallId(seriesId, 0))).toEqual([]);
    expect(await RecurrenceSeries.findById(seriesId).lean()).toMatchObject({ status: 'paused' });

    await handle.executeUpdate(resumeSeriesUpdate);
    expect(await handle.result()).toBe('completed');
    recorded.push({ name: 'series-pause-resume', workflowId: seriesWorkflowId(seriesId) });
    const row = await RecurrenceSeries.findById(seriesId).lean();
    const skipped = row?.skipped.map((s) => s.occurrence ?? 0) ?? [];
    expect(skipped.length).toBeGreaterThanOrEqual(1);
    expect(row?.skipped.every((s) => s.reason === 'paused')).toBe(true);
    expect(row?.occurrencesStarted).toBe(3 - skipped.length);
    for (const n of skipped) expect(await dialTimes(stack.sim, occurrenceCallId(seriesId, n - 1))).toEqual([]);
  });

  it('never overlaps: an occurrence due while the previous call still rings is skipped', async () => {
    // 002 rings for the full 5 s ring timeout; occurrences come every 1.5 s.
    const { seriesId, handle } = await startSeries(compressedRule(1_000, 1_500, { maxOccurrences: 3 }), numberFor('002'));
    expect(await handle.result()).toBe('completed');
    const row = await RecurrenceSeries.findById(seriesId).lean();
    expect(row?.skipped.map((s) => [s.occurrence, s.reason])).toEqual([
      [2, 'previous_still_running'],
      [3, 'previous_still_running'],
    ]);
    expect(row?.occurrencesStarted).toBe(1);
  });

  it("counts its occurrences against the organization's daily cap: one past the cap is skipped, not dialed", async () => {
    const orgId = uniqueName('org');
    await countInWindow(`calls:${orgId}`, 86_400, Date.now(), stack.config.ORG_DAILY_CALL_CAP);
    const { seriesId, handle } = await startSeries(compressedRule(1_000, 1_500, { maxOccurrences: 2 }), numberFor('000'), orgId);
    expect(await handle.result()).toBe('completed');
    const row = await RecurrenceSeries.findById(seriesId).lean();
    expect(row?.skipped.map((s) => [s.occurrence, s.reason])).toEqual([
      [1, 'org_daily_call_cap'],
      [2, 'org_daily_call_cap'],
    ]);
    expect(row?.occurrencesStarted).toBe(0);
    for (const n of [0, 1]) expect(await dialTimes(stack.sim, occurrenceCallId(seriesId, n))).toEqual([]);
    expect(await ScheduledCall.findById(occurrenceCallId(seriesId, 0)).lean()).toMatchObject({ finalStatus: 'skipped', finalFailureReason: 'org_daily_call_cap' });
  });
});

describe('the series API', () => {
  const api = () => stack.api();

  it('creates a daily series, shows its next occurrences, and pauses, resumes and cancels it', async () => {
    const created = await api()
      .post('/api/v1/series')
      .send({ phoneNumber: numberFor('000'), agentId: stack.agentId, frequency: 'daily', timeOfDay: '10:30', timezone: 'America/New_York', maxOccurrences: 30 });
    expect(created.status).toBe(201);
    const { seriesId } = created.body;
    expect(created.body).toMatchObject({ status: 'active', frequency: 'daily', timezone: 'America/New_York', live: true });
    expect(created.body.nextOccurrences).toHaveLength(5);
    for (const next of created.body.nextOccurrences as { effectiveAt: string }[]) {
      const local = DateTime.fromISO(next.effectiveAt, { zone: 'America/New_York' });
      expect(local.toFormat('HH:mm')).toBe('10:30');
    }
    const described = await stack.env.client.workflow.getHandle(seriesWorkflowId(seriesId)).describe();
    expect(described.type).toBe('recurrenceWorkflow');

    const paused = await api().post(`/api/v1/series/${seriesId}/pause`);
    expect(paused.body).toMatchObject({ status: 'paused', nextOccurrenceAt: null });
    const resumed = await api().post(`/api/v1/series/${seriesId}/resume`);
    expect(resumed.body.status).toBe('active');
    const skipped = await api().post(`/api/v1/series/${seriesId}/skip`);
    expect(skipped.body.nextOccurrences[0].occurrence).toBe(created.body.nextOccurrences[1].occurrence);

    const cancelled = await api().post(`/api/v1/series/${seriesId}/cancel`);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', nextOccurrenceAt: null, nextOccurrences: [], pendingSkips: 0 });
    expect(await stack.env.client.workflow.getHandle(seriesWorkflowId(seriesId)).result()).toBe('cancelled');
    const again = await api().post(`/api/v1/series/${seriesId}/pause`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('SERIES_FINISHED');
    const read = await api().get(`/api/v1/series/${seriesId}`);
    expect(read.body).toMatchObject({ status: 'cancelled', nextOccurrences: [] });
    const listed = await api().get(`/api/v1/series?agentId=${stack.agentId}&status=cancelled`);
    expect(listed.body.data.map((s: { seriesId: string }) => s.seriesId)).toContain(seriesId);
  });

  it.each([
    ['an unknown frequency', { frequency: 'hourly' }, 'VALIDATION_ERROR'],
    ['an unknown time zone', { timezone: 'Nowhere/Else' }, 'INVALID_TIMEZONE'],
    ['a bad time of day', { timeOfDay: '25:00' }, 'INVALID_TIME_OF_DAY'],
    ['an end before the start', { startDate: '2027-01-10', endDate: '2027-01-01' }, 'END_BEFORE_START'],
    ['no day of the week', { frequency: 'weekly', daysOfWeek: [] }, 'EMPTY_DAYS_OF_WEEK'],
    ['a 32nd of the month', { frequency: 'monthly', dayOfMonth: 32 }, 'INVALID_DAY_OF_MONTH'],
    ['an end in the past', { startDate: '2020-01-01', endDate: '2020-02-01' }, 'NO_FUTURE_OCCURRENCE'],
    ['bad business hours', { respectBusinessHours: true, businessHours: { start: '17:00', end: '17:00' } }, 'WINDOW_START_NOT_BEFORE_END'],
  ])('%s → 400 %s, and no series is started', async (_name, override, code) => {
    const phoneNumber = numberFor('000');
    const res = await api()
      .post('/api/v1/series')
      .send({ phoneNumber, agentId: stack.agentId, frequency: 'daily', timeOfDay: '10:00', ...override });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(await RecurrenceSeries.countDocuments({ phoneNumber })).toBe(0);
  });
});
