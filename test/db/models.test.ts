import mongoose from 'mongoose';
import { connectDatabase, disconnectDatabase } from '../../db/connection';
import { CallLog, CampaignContact, RetryAttempt, ScheduledCall } from '../../db/models';
import { testDatabaseUri } from '../helpers/test-infra';

/** Runs on the local database (FerretDB); the same code runs unchanged on MongoDB. */
beforeAll(async () => {
  await connectDatabase(testDatabaseUri('models'));
});

afterAll(async () => {
  await mongoose.connection.db?.dropDatabase();
  await disconnectDatabase();
});

async function indexKeys(model: { listIndexes(): Promise<{ key?: unknown; unique?: boolean }[]> }): Promise<{ key: Record<string, number>; unique: boolean }[]> {
  const indexes = await model.listIndexes();
  return indexes.map((index) => ({ key: index.key as Record<string, number>, unique: Boolean(index.unique) }));
}

const now = new Date('2026-11-23T10:00:00Z');
const businessHours = { start: '09:00', end: '18:00', timezone: 'Asia/Kolkata', daysOfWeek: [1, 2, 3, 4, 5] };

const samples = {
  CallLog: () => ({
    _id: 'c1',
    callId: 'c1',
    attempt: 1,
    phoneNumber: '+919876543210',
    phoneLast4: '3210',
    agentId: 'agent-1',
    status: 'completed' as const,
    workflowId: 'call-c1',
    exotelCallSid: 'sid-1',
    timings: { queuedAt: now, answeredAt: now, endedAt: now, durationSec: 42 },
    transcript: [{ turn: 1, speaker: 'bot' as const, text: 'Hello', startedAt: now, interrupted: false }],
    latency: [{ turn: 1, sttFinalMs: 300, llmFirstTokenMs: 290, ttsFirstByteMs: 150, voiceToVoiceMs: 820 }],
    metadata: { orderId: 'A-17' },
  }),
  RetryAttempt: () => ({
    originalCallLogId: 'c1',
    attemptNumber: 2,
    callLogId: 'c1-2',
    reason: 'busy',
    delayMs: 600_000,
    scheduledFor: now,
  }),
  ScheduledCall: () => ({
    _id: 's1',
    callLogId: 'c9',
    workflowId: 'call-c9',
    phoneNumber: '+919876543210',
    phoneLast4: '3210',
    agentId: 'agent-1',
    scheduledFor: now,
    effectiveAt: now,
    timezone: 'Asia/Kolkata',
    respectBusinessHours: true,
    businessHours,
  }),
  Agent: () => ({ _id: 'agent-1', name: 'Reminder bot', prompt: 'You remind people.', greeting: 'Hi {customer_name}!' }),
  Campaign: () => ({
    _id: 'b1',
    name: 'November reminders',
    agentId: 'agent-1',
    source: 'csv',
    workflowId: 'campaign-b1',
    throttle: { maxConcurrent: 3, delayBetweenCallsMs: 500 },
    progress: { total: 2, outcomes: { completed: 1 } },
    rowErrors: [{ line: 3, field: 'phone', code: 'INVALID_PHONE', message: 'not a phone number' }],
  }),
  CampaignContact: () => ({
    _id: 'b1-1',
    campaignId: 'b1',
    seq: 0,
    line: 2,
    phoneNumber: '+919876543210',
    phoneLast4: '3210',
    agentId: 'agent-1',
    variables: { customer_name: 'Asha' },
  }),
  RecurrenceSeries: () => ({
    _id: 'r1',
    workflowId: 'series-r1',
    agentId: 'agent-1',
    phoneNumber: '+919876543210',
    phoneLast4: '3210',
    frequency: 'weekly',
    interval: 1,
    daysOfWeek: [1],
    timeOfDay: '09:00',
    timezone: 'America/New_York',
    startDate: '2026-11-23',
    maxOccurrences: 10,
  }),
};

describe('models on the local database', () => {
  it.each([
    ['CallLog', CallLog, [{ exotelCallSid: 1 }, { callId: 1, attempt: 1 }]],
    ['RetryAttempt', RetryAttempt, [{ originalCallLogId: 1, attemptNumber: 1 }]],
    ['ScheduledCall', ScheduledCall, [{ callLogId: 1 }]],
    ['CampaignContact', CampaignContact, [{ campaignId: 1, seq: 1 }, { campaignId: 1, phoneNumber: 1 }]],
  ] as const)('%s builds its unique indexes', async (_name, model, uniqueKeys) => {
    const keys = await indexKeys(model);
    for (const key of uniqueKeys) expect(keys).toContainEqual({ key, unique: true });
  });

  it.each(Object.keys(samples) as (keyof typeof samples)[])('%s builds every declared index', async (name) => {
    const model = mongoose.model(name);
    const declared = model.schema.indexes().map(([key]) => key);
    const built = (await indexKeys(model)).map((index) => index.key);
    for (const key of declared) expect(built).toContainEqual(key);
  });

  it.each(Object.keys(samples) as (keyof typeof samples)[])('%s round-trips a document', async (name) => {
    const model = mongoose.model(name);
    const created = await model.create(samples[name]());
    const read = await model.findById(created._id).lean();
    const asJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as object;
    expect(asJson(read)).toMatchObject(asJson(samples[name]()));
  });

  it('round-trips dates, maps and nested arrays with their types', async () => {
    const log = await CallLog.findById('c1');
    expect(log?.timings?.answeredAt).toEqual(now);
    expect(log?.transcript[0]?.startedAt).toEqual(now);
    const contact = await CampaignContact.findOne({ campaignId: 'b1', seq: 0 });
    expect(contact?.variables.get('customer_name')).toBe('Asha');
  });

  it('rejects a second attempt row with the same call and attempt number', async () => {
    await expect(CallLog.create({ ...samples.CallLog(), _id: 'c1-dup', exotelCallSid: 'sid-2' })).rejects.toMatchObject({ code: 11000 });
  });

  it('rejects a reused Exotel call sid but allows many attempts without one', async () => {
    await expect(
      CallLog.create({ ...samples.CallLog(), _id: 'c2', callId: 'c2', exotelCallSid: 'sid-1' }),
    ).rejects.toMatchObject({ code: 11000 });
    const withoutSid = (id: string) => {
      const { exotelCallSid: _omitted, ...rest } = samples.CallLog();
      return { ...rest, _id: id, callId: id };
    };
    await CallLog.create(withoutSid('c3'));
    await CallLog.create(withoutSid('c4'));
    expect(await CallLog.countDocuments({ exotelCallSid: { $exists: false } })).toBeGreaterThanOrEqual(2);
  });

  it('rejects a duplicate retry attempt number for the same call', async () => {
    await expect(RetryAttempt.create(samples.RetryAttempt())).rejects.toMatchObject({ code: 11000 });
  });

  it('keeps an upsert idempotent: running it twice leaves one row', async () => {
    const upsert = () =>
      RetryAttempt.updateOne(
        { originalCallLogId: 'c7', attemptNumber: 2 },
        { $setOnInsert: { callLogId: 'c7-2', reason: 'no_answer', delayMs: 1000, scheduledFor: now } },
        { upsert: true },
      );
    await upsert();
    await upsert();
    expect(await RetryAttempt.countDocuments({ originalCallLogId: 'c7' })).toBe(1);
  });

  it('rejects a duplicate phone number within one campaign', async () => {
    await expect(CampaignContact.create({ ...samples.CampaignContact(), _id: 'b1-2', seq: 1 })).rejects.toMatchObject({ code: 11000 });
  });

  it('validates enums before anything reaches the database', async () => {
    await expect(CallLog.create({ ...samples.CallLog(), _id: 'c5', callId: 'c5', status: 'exploded' } as never)).rejects.toThrow(/status/);
  });
});
