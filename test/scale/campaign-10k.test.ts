import { CampaignContact } from '../../db/models/campaign-contact';
import { runHistoryLengths } from '../../bench/run-histories';
import { campaignWorkflowId } from '../../workflows/messages';
import { startCallStack, type CallStack } from '../helpers/call-stack';
import { batchDials, waitForBatch } from '../helpers/campaign-helpers';

/**
 * The scale proof: a 10,000-row CSV becomes one campaign, and every contact is called
 * exactly once, each by its own call workflow through the line gate, against the Exotel simulator.
 * Calls are short: every callee is busy at once and busy is not retried. It runs on its own after the
 * main suite (jest.scale.config.js), because it keeps both cores busy: about 17 minutes at 10,000,
 * so CI runs it at 5,000 (scripts/test-all.sh).
 */
/** `RINGLINE_SCALE_CONTACTS` sets the size; unset, the 10,000. */
const CONTACTS = Number(process.env.RINGLINE_SCALE_CONTACTS ?? 10_000);
/** Calls the account may hold at once; the campaign's own throttle is the same. */
const LINES = 500;

let stack: CallStack;

beforeAll(async () => {
  stack = await startCallStack({
    label: 'scale',
    simulator: { queuedMs: 0, ringMs: 0, callbackDelayMs: 0 },
    config: { MAX_CONCURRENT_CALLS: String(LINES) },
  });
});

afterAll(async () => {
  await stack?.stop();
});

it(`a ${CONTACTS.toLocaleString('en')}-row CSV campaign calls every contact exactly once, with bounded histories`, async () => {
  // Suffix 001: the simulator's callee is busy at once.
  const rows = Array.from({ length: CONTACTS }, (_, i) => `+9190${String(i).padStart(5, '0')}001,Customer ${i + 1}`);
  const csv = ['phone_number,customer_name', ...rows].join('\n');
  const created = await stack.api()
    .post('/api/v1/bulk/import/process')
    .field('agentId', stack.agentId)
    .field('options', JSON.stringify({ throttle: { maxConcurrent: LINES }, retryPolicy: { rules: { busy: { maxRetries: 0 } } } }))
    .attach('file', Buffer.from(csv), 'ten-thousand.csv');
  expect(created.status).toBe(202);
  expect(created.body.totals).toEqual({ rows: CONTACTS, accepted: CONTACTS, rejected: 0 });
  const { batchId } = created.body;

  const done = await waitForBatch(stack, batchId, (b) => b.status === 'completed', 25 * 60_000, 5_000);
  expect(done.progress).toMatchObject({ total: CONTACTS, dispatched: CONTACTS, processed: CONTACTS, failed: CONTACTS, inProgress: 0, pending: 0 });

  const dials = await batchDials(stack.sim, batchId);
  const perContact = new Map<string, number>();
  for (const [field, count] of Object.entries(dials)) {
    const callId = field.split(':')[0];
    perContact.set(callId, (perContact.get(callId) ?? 0) + count);
  }
  expect(perContact.size).toBe(CONTACTS);
  expect([...perContact.values()].filter((n) => n !== 1)).toEqual([]);

  const byStatus = await CampaignContact.aggregate<{ _id: string; n: number }>([{ $match: { campaignId: batchId } }, { $group: { _id: '$status', n: { $sum: 1 } } }]);
  expect(byStatus).toEqual([{ _id: 'failed', n: CONTACTS }]);

  // Continue-as-new keeps every run of the campaign under the size at which Temporal starts warning
  // (10,240 events, `limit.historyCount.warn`), however long the list. A run of 1,000 contacts takes
  // about 3,300.
  const runs = await runHistoryLengths(stack.env.client, campaignWorkflowId(batchId));
  expect(runs.length).toBeGreaterThanOrEqual(CONTACTS / stack.config.CAMPAIGN_CONTACTS_PER_RUN);
  expect(Math.max(...runs)).toBeLessThan(10_240);
}, 30 * 60_000);
