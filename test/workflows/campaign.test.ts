import { Campaign } from '../../db/models/campaign';
import { CampaignContact } from '../../db/models/campaign-contact';
import { campaignCallId } from '../../domain/campaign-ids';
import { callWorkflowId, campaignWorkflowId } from '../../workflows/messages';
import { saveRecordedHistories, type RecordedWorkflow } from '../helpers/recorded-histories';
import { startCallStack, type CallStack } from '../helpers/call-stack';
import { batchDials, maxOverlap, simCallsOf, waitForBatch } from '../helpers/campaign-helpers';
import { numberFor } from '../helpers/schedule-helpers';

/**
 * Campaigns on the real dev server: bulk JSON through the API, each contact a child call workflow
 * against the Exotel simulator, progress in the database and in the workflow's query.
 */
let stack: CallStack;
/** The account's line limit in this file: every campaign's throttle sits on top of it. */
const LINE_LIMIT = 4;

beforeAll(async () => {
  // Calls hold the line for 1.5 s, so throttles and pauses are visible in the simulator's call log;
  // a run continues as new after 10 calls, so the larger campaigns here cross several runs.
  stack = await startCallStack({ label: 'campaign', media: { holdMs: 1_500, outcome: 'completed' }, config: { CAMPAIGN_CONTACTS_PER_RUN: '10', MAX_CONCURRENT_CALLS: String(LINE_LIMIT) } });
});

/** `RINGLINE_RECORD_HISTORIES=1` saves these workflows' histories as replay fixtures (test/workflows/replay.test.ts). */
const recorded: RecordedWorkflow[] = [];

afterAll(async () => {
  if (stack) await saveRecordedHistories(stack.env.client, recorded);
  await stack?.stop();
});

const api = () => stack.api();

function contacts(count: number, suffix = '000'): { phoneNumber: string; variables: Record<string, string> }[] {
  return Array.from({ length: count }, (_, i) => ({ phoneNumber: numberFor(suffix), variables: { customer_name: `Customer ${i + 1}` } }));
}

describe('campaignWorkflow', () => {
  it('calls every contact exactly once, never more than maxConcurrent at a time, and records the outcomes', async () => {
    const calls = contacts(24);
    const created = await api()
      .post('/api/v1/calls/outbound/bulk')
      .send({ name: 'throttled', agentId: stack.agentId, calls, throttle: { maxConcurrent: 3 } });
    expect(created.status).toBe(202);
    const { batchId } = created.body;
    expect(created.body).toMatchObject({ totals: { requested: 24, accepted: 24, rejected: 0 }, workflowId: campaignWorkflowId(batchId) });
    expect(created.body.callIds).toHaveLength(24);

    const done = await waitForBatch(stack, batchId, (b) => b.status === 'completed', 90_000);
    expect(done.progress).toMatchObject({ total: 24, dispatched: 24, processed: 24, successful: 24, failed: 0, inProgress: 0, pending: 0 });

    const dials = await batchDials(stack.sim, batchId);
    expect(Object.keys(dials)).toHaveLength(24);
    expect(Object.values(dials).every((n) => n === 1)).toBe(true);
    const overlap = maxOverlap(await simCallsOf(stack.sim, batchId));
    expect(overlap).toBeLessThanOrEqual(3);
    expect(overlap).toBeGreaterThanOrEqual(2);

    const rows = await CampaignContact.find({ campaignId: batchId }).sort({ seq: 1 }).lean();
    expect(rows.map((r) => [r.seq, r.status])).toEqual(rows.map((r) => [r.seq, 'completed']));
    expect((await Campaign.findById(batchId).lean())?.completedAt).toBeInstanceOf(Date);
  }, 120_000);

  it('paused, starts no new call; resumed, goes on from where it stopped', async () => {
    const created = await api()
      .post('/api/v1/calls/outbound/bulk')
      .send({ agentId: stack.agentId, calls: contacts(12), throttle: { maxConcurrent: 2 } });
    const { batchId } = created.body;
    await waitForBatch(stack, batchId, (b) => b.progress.dispatched >= 4, 30_000);
    const paused = await api().post(`/api/v1/bulk/batches/${batchId}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('paused');
    const dispatchedAtPause = paused.body.progress.dispatched;

    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const during = await api().get(`/api/v1/bulk/batches/${batchId}`);
    expect(during.body.status).toBe('paused');
    expect(during.body.progress.dispatched).toBe(dispatchedAtPause);
    expect(during.body.progress.inProgress).toBe(0);
    expect(Object.keys(await batchDials(stack.sim, batchId))).toHaveLength(dispatchedAtPause);

    const resumed = await api().post(`/api/v1/bulk/batches/${batchId}/resume`);
    expect(resumed.body.status).toBe('running');
    const done = await waitForBatch(stack, batchId, (b) => b.status === 'completed', 60_000);
    expect(done.progress).toMatchObject({ total: 12, processed: 12, successful: 12 });
    recorded.push({ name: 'campaign-pause-resume', workflowId: campaignWorkflowId(batchId) });
    recorded.push({ name: 'call-in-campaign', workflowId: callWorkflowId(campaignCallId(batchId, 0)) });
    const dials = await batchDials(stack.sim, batchId);
    expect(Object.keys(dials)).toHaveLength(12);
    expect(Object.values(dials).every((n) => n === 1)).toBe(true);
  }, 120_000);

  it('cancelled, withdraws the contacts not yet called and dials nobody afterwards', async () => {
    const created = await api()
      .post('/api/v1/calls/outbound/bulk')
      .send({ agentId: stack.agentId, calls: contacts(15), throttle: { maxConcurrent: 2 } });
    const { batchId } = created.body;
    await waitForBatch(stack, batchId, (b) => b.progress.dispatched >= 2, 30_000);
    const cancelled = await api().post(`/api/v1/bulk/batches/${batchId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelling');
    const cancelledAt = Date.now();

    const done = await waitForBatch(stack, batchId, (b) => b.status === 'cancelled', 30_000);
    expect(done.progress.inProgress).toBe(0);
    expect(done.progress.processed).toBe(15);
    expect(done.progress.cancelled).toBeGreaterThanOrEqual(15 - done.progress.dispatched);
    const calls = await simCallsOf(stack.sim, batchId);
    // A dial already on its way when the cancel landed may reach the simulator a moment later, never seconds later.
    expect(calls.filter((c) => c.createdAt > cancelledAt + 500)).toEqual([]);
    expect(calls.length).toBeLessThanOrEqual(done.progress.dispatched);
    const pending = await CampaignContact.countDocuments({ campaignId: batchId, status: { $in: ['pending', 'dispatched'] } });
    expect(pending).toBe(0);

    recorded.push({ name: 'campaign-cancelled', workflowId: campaignWorkflowId(batchId) });
    const again = await api().post(`/api/v1/bulk/batches/${batchId}/resume`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('BATCH_FINISHED');
  }, 60_000);

  it('two campaigns and single calls at once never have more calls live than the line limit', async () => {
    const [first, second] = await Promise.all(
      [0, 1].map(() => api().post('/api/v1/calls/outbound/bulk').send({ agentId: stack.agentId, calls: contacts(8), throttle: { maxConcurrent: 5 } })),
    );
    const single = await Promise.all(
      [0, 1, 2].map(() => api().post('/api/v1/calls/outbound').send({ phoneNumber: numberFor('000'), agentId: stack.agentId })),
    );
    expect(single.map((r) => r.status)).toEqual([202, 202, 202]);
    await Promise.all([first, second].map((r) => waitForBatch(stack, r.body.batchId, (b) => b.status === 'completed', 90_000)));

    const response = await fetch(`${stack.sim.baseUrl}/sim/calls`);
    const { calls } = (await response.json()) as { calls: { customField: string | null; createdAt: string; endedAt: string | null }[] };
    const spans = calls.map((c) => ({ customField: c.customField ?? '', createdAt: Date.parse(c.createdAt), endedAt: c.endedAt ? Date.parse(c.endedAt) : null }));
    expect(maxOverlap(spans)).toBeLessThanOrEqual(LINE_LIMIT);
    expect(maxOverlap(spans)).toBe(LINE_LIMIT);
  }, 120_000);

  it('reports bad rows by position and calls only the good ones', async () => {
    const good = contacts(2);
    const created = await api()
      .post('/api/v1/calls/outbound/bulk')
      .send({
        agentId: stack.agentId,
        calls: [good[0], { phoneNumber: 'not a number' }, { ...good[1] }, { phoneNumber: good[0].phoneNumber }, { phoneNumber: numberFor('000'), agentId: 'agent_nobody' }],
      });
    expect(created.status).toBe(202);
    expect(created.body.totals).toEqual({ requested: 5, accepted: 2, rejected: 3 });
    expect(created.body.rowErrors.map((e: { line: number; code: string }) => [e.line, e.code])).toEqual([
      [2, 'PHONE_INVALID'],
      [4, 'DUPLICATE_PHONE'],
      [5, 'AGENT_UNKNOWN'],
    ]);
    await waitForBatch(stack, created.body.batchId, (b) => b.status === 'completed', 30_000);
  }, 60_000);

  it('a CSV upload becomes a campaign of its good rows, with the bad ones reported by line', async () => {
    const [a, b] = [numberFor('000'), numberFor('000')];
    const csv = ['phone_number,customer_name', `${a},Asha`, 'not-a-number,Ravi', `${b},"Meera\nK"`, `${a},Asha again`].join('\n');
    const created = await api()
      .post('/api/v1/bulk/import/process')
      .field('agentId', stack.agentId)
      .field('maxConcurrent', '2')
      .attach('file', Buffer.from(csv), 'november.csv');
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ name: 'november.csv', source: 'csv', totals: { rows: 4, accepted: 2, rejected: 2 }, throttle: { maxConcurrent: 2 } });
    expect(created.body.rowErrors.map((e: { line: number; code: string }) => [e.line, e.code])).toEqual([
      [3, 'PHONE_INVALID'],
      [6, 'DUPLICATE_PHONE'],
    ]);
    const { batchId } = created.body;
    await waitForBatch(stack, batchId, (batch) => batch.status === 'completed', 30_000);
    const listed = await api().get(`/api/v1/bulk/batches/${batchId}/contacts`);
    expect(listed.body.data.map((c: { line: number; status: string; variables: object }) => [c.line, c.status, c.variables])).toEqual([
      // The API masks variables unless their column is configured in clear (CONTACT_VARIABLES_IN_CLEAR).
      [2, 'completed', { customer_name: 'A***' }],
      [4, 'completed', { customer_name: 'M***' }],
    ]);
    const list = await api().get('/api/v1/bulk/batches').query({ status: 'completed' });
    expect(list.body.data.map((batch: { batchId: string }) => batch.batchId)).toContain(batchId);
  }, 60_000);

  it('refuses a request it cannot run, and writes nothing', async () => {
    const before = await Campaign.countDocuments();
    const cases = [
      [{ calls: [] }, 'VALIDATION_ERROR'],
      [{ agentId: 'agent_nobody', calls: contacts(1) }, 'AGENT_NOT_FOUND'],
      [{ agentId: stack.agentId, calls: contacts(1), throttle: { maxConcurrent: 0 } }, 'VALIDATION_ERROR'],
      [{ agentId: stack.agentId, calls: contacts(1), timezone: 'Mars/Olympus' }, 'INVALID_TIMEZONE'],
      [{ agentId: stack.agentId, calls: contacts(1), scheduledFor: '2020-01-01T10:00:00Z' }, 'SCHEDULED_TIME_IN_PAST'],
      [{ agentId: stack.agentId, calls: [{ phoneNumber: '12' }] }, 'NO_VALID_CONTACTS'],
    ] as const;
    for (const [body, code] of cases) {
      const response = await api().post('/api/v1/calls/outbound/bulk').send(body);
      expect([response.status, response.body.error?.code]).toEqual([expect.any(Number), code]);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    }
    expect(await Campaign.countDocuments()).toBe(before);
  });

  it('the same Idempotency-Key gives the same campaign, never a second one', async () => {
    const body = { agentId: stack.agentId, calls: contacts(2) };
    const key = `camp-${Date.now()}`;
    const first = await api().post('/api/v1/calls/outbound/bulk').set('Idempotency-Key', key).send(body);
    const again = await api().post('/api/v1/calls/outbound/bulk').set('Idempotency-Key', key).send(body);
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ batchId: first.body.batchId, idempotentReplay: true });
    await waitForBatch(stack, first.body.batchId, (b) => b.status === 'completed', 30_000);
    expect(Object.keys(await batchDials(stack.sim, first.body.batchId))).toHaveLength(2);
  }, 60_000);

  it('a scheduled campaign waits for its start time', async () => {
    const startAt = new Date(Date.now() + 3_000).toISOString();
    const created = await api().post('/api/v1/calls/outbound/bulk').send({ agentId: stack.agentId, calls: contacts(2), scheduledFor: startAt });
    expect(created.status).toBe(202);
    expect(created.body.status).toBe('scheduled');
    const { batchId } = created.body;
    const done = await waitForBatch(stack, batchId, (b) => b.status === 'completed', 30_000);
    expect(done.progress.successful).toBe(2);
    const calls = await simCallsOf(stack.sim, batchId);
    expect(Math.min(...calls.map((c) => c.createdAt))).toBeGreaterThanOrEqual(Date.parse(startAt));
  }, 60_000);
});
