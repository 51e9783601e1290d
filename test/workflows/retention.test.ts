import { Worker } from '@temporalio/worker';
import mongoose from 'mongoose';
import { createRetentionActivities } from '../../activities/retention';
import { connectDatabase, disconnectDatabase } from '../../db/connection';
import { AuditEntry } from '../../db/models/audit-entry';
import { CallLog } from '../../db/models/call-log';
import { CampaignContact } from '../../db/models/campaign-contact';
import { ScheduledCall } from '../../db/models/scheduled-call';
import { parseConfig } from '../../domain/config';
import { RETENTION_SCHEDULE_ID } from '../../domain/retention';
import { generateSecrets } from '../../lib/generated-secrets';
import { createLogger } from '../../lib/logger';
import { ensureRetentionSchedule } from '../../workers/retention-schedule';
import { retentionWorkflow } from '../../workflows/retention';
import { saveRecordedHistories } from '../helpers/recorded-histories';
import { connectToTestTemporal, uniqueName } from '../helpers/temporal-test-env';
import { testDatabaseUri } from '../helpers/test-infra';

/**
 * The retention workflow on the real dev server and database: records past the retention period lose
 * their transcripts, recording links and variables; newer ones, and unfinished ones, keep them.
 */
let env: Awaited<ReturnType<typeof connectToTestTemporal>>;
const DAY = 24 * 3600 * 1000;

beforeAll(async () => {
  env = await connectToTestTemporal();
  await connectDatabase(testDatabaseUri('retention'));
});

afterAll(async () => {
  await mongoose.connection.db?.dropDatabase().catch(() => undefined);
  await disconnectDatabase();
  await env?.close();
});

function callLogRow(id: string, ageDays: number, status: string) {
  const at = new Date(Date.now() - ageDays * DAY);
  return {
    _id: id,
    orgId: 'org_default',
    callId: id,
    attempt: 1,
    phoneNumber: '+919876500001',
    phoneLast4: '0001',
    agentId: 'agent_r',
    status,
    workflowId: `call-${id}`,
    recordingUrl: 'https://s3-ap-southeast-1.amazonaws.com/exotelrecordings/x.mp3',
    transcript: [{ turn: 1, speaker: 'caller', text: 'my account is 1234', startedAt: at }],
    latency: [{ turn: 1, voiceToVoiceMs: 800 }],
    metadata: { customer: 'Asha' },
    createdAt: at,
    updatedAt: at,
  };
}

it('clears personal data of finished records older than the retention period, in batches, and audits the counts', async () => {
  const old = Array.from({ length: 23 }, (_, i) => callLogRow(`old-${i}`, 40, 'completed'));
  // Written straight to the collections: mongoose's timestamps would stamp them with today.
  await CallLog.collection.insertMany([...old, callLogRow('new-1', 5, 'completed'), callLogRow('old-open', 40, 'scheduled')] as never[]);
  const oldAt = new Date(Date.now() - 40 * DAY);
  await ScheduledCall.collection.insertMany([
    { _id: 'sched-old', orgId: 'org_default', callLogId: 'old-0', workflowId: 'call-old-0', phoneNumber: '+919876500001', phoneLast4: '0001', agentId: 'agent_r', scheduledFor: oldAt, effectiveAt: oldAt, timezone: 'Asia/Kolkata', status: 'completed', metadata: { customer: 'Asha' }, createdAt: oldAt, updatedAt: oldAt },
    { _id: 'sched-pending', orgId: 'org_default', callLogId: 'x', workflowId: 'call-x', phoneNumber: '+919876500001', phoneLast4: '0001', agentId: 'agent_r', scheduledFor: oldAt, effectiveAt: oldAt, timezone: 'Asia/Kolkata', status: 'pending', metadata: { customer: 'Asha' }, createdAt: oldAt, updatedAt: oldAt },
  ] as never[]);
  await CampaignContact.collection.insertMany([
    { _id: 'batch_r-1', orgId: 'org_default', campaignId: 'batch_r', seq: 0, phoneNumber: '+919876500001', phoneLast4: '0001', agentId: 'agent_r', variables: { customer_name: 'Asha' }, status: 'completed', createdAt: oldAt, updatedAt: oldAt },
    { _id: 'batch_r-2', orgId: 'org_default', campaignId: 'batch_r', seq: 1, phoneNumber: '+919876500002', phoneLast4: '0002', agentId: 'agent_r', variables: { customer_name: 'Ravi' }, status: 'completed', createdAt: new Date(), updatedAt: new Date() },
  ] as never[]);

  const taskQueue = uniqueName('retention');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    dataConverter: env.dataConverter,
    workflowsPath: require.resolve('../../workflows'),
    activities: createRetentionActivities(),
  });
  const firstRunId = uniqueName('retention-run');
  const run = (workflowId: string) =>
    env.client.workflow.execute(retentionWorkflow, { taskQueue, workflowId, args: [{ retentionDays: 30, batchSize: 10 }] });
  const [first, second] = await worker.runUntil(async () => [await run(firstRunId), await run(uniqueName('retention-run'))]);
  await saveRecordedHistories(env.client, [{ name: 'retention-run', workflowId: firstRunId }]);

  expect(first).toMatchObject({ callLogs: 23, scheduledCalls: 1, campaignContacts: 1 });
  expect(Date.parse(first.cutoff)).toBeGreaterThan(Date.now() - 31 * DAY);
  // Nothing is cleared twice.
  expect(second).toMatchObject({ callLogs: 0, scheduledCalls: 0, campaignContacts: 0 });

  const purged = await CallLog.findById('old-7').lean();
  expect(purged).toMatchObject({ transcript: [], recordingUrl: null, metadata: {}, status: 'completed', latency: [{ turn: 1, voiceToVoiceMs: 800 }] });
  expect(purged?.personalDataPurgedAt).toBeInstanceOf(Date);
  const kept = await CallLog.findById('new-1').lean();
  expect(kept?.transcript).toHaveLength(1);
  expect(kept?.metadata).toEqual({ customer: 'Asha' });
  expect((await CallLog.findById('old-open').lean())?.transcript).toHaveLength(1);
  expect((await ScheduledCall.findById('sched-old').lean())?.metadata).toEqual({});
  expect((await ScheduledCall.findById('sched-pending').lean())?.metadata).toEqual({ customer: 'Asha' });
  const contacts = await CampaignContact.find({ campaignId: 'batch_r' }).sort({ seq: 1 }).lean();
  expect(contacts.map((contact) => Object.fromEntries(Object.entries(contact.variables ?? {})))).toEqual([{}, { customer_name: 'Ravi' }]);

  const audits = await AuditEntry.find({ action: 'retention.purge' }).sort({ at: 1 }).lean();
  expect(audits).toHaveLength(2);
  expect(audits[0]).toMatchObject({ orgId: null, outcome: 'success', details: { callLogs: 23, scheduledCalls: 1, campaignContacts: 1 } });
});

it('creates the retention Schedule once and brings it in line with the configuration on every start', async () => {
  const logger = createLogger('test', { level: 'silent' });
  const base = parseConfig({ ...generateSecrets(), TEMPORAL_TASK_QUEUE: uniqueName('retention-schedule') });
  const handle = env.client.schedule.getHandle(RETENTION_SCHEDULE_ID);
  await handle.delete().catch(() => undefined);
  try {
    await ensureRetentionSchedule(env.client, base, logger);
    await ensureRetentionSchedule(env.client, { ...base, RETENTION_DAYS: 90, RETENTION_EVERY_HOURS: 6 }, logger);
    const description = await handle.describe();
    expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionWorkflow', taskQueue: base.TEMPORAL_TASK_QUEUE, args: [{ retentionDays: 90, batchSize: 500 }] });
    expect(description.spec.intervals).toEqual([expect.objectContaining({ every: 6 * 3600 * 1000 })]);
    expect(description.policies.overlap).toBe('SKIP');
  } finally {
    await handle.delete().catch(() => undefined);
  }
});
