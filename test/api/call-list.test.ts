import { createdDayOf } from '../../domain/created-day';
import { CallLog } from '../../db/models/call-log';
import { DEFAULT_ORG_ID } from '../../domain/access-control';
import { callListAnswerSchema, type CallListAnswer } from '../../domain/api-schemas/calls';
import { startApiHarness, type ApiHarness } from './api-harness';

/** GET /api/v1/calls against the real database, on rows written the way the call workflow writes them. */
let harness: ApiHarness;
let otherOrgAdmin: string;
let agentKey: string;

const T0 = Date.parse('2026-11-20T06:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

interface Row {
  _id: string;
  callId: string;
  attempt: number;
  status: string;
  createdAt: Date;
  orgId?: string;
  agentId?: string;
  phoneNumber?: string;
  failureReason?: string;
  finalStatus?: string;
  finalFailureReason?: string;
  /** On an ended call's first row: its attempts less one, as the workflow writes it with the outcome. */
  retryCount?: number;
  campaignId?: string;
  seriesId?: string;
  outboundStatus?: string;
  exotelCallSid?: string;
}

/** Nullable fields are left out the way FerretDB leaves them out of upserts (docs/database.md). */
function row(fields: Row) {
  const phoneNumber = fields.phoneNumber ?? '+919800000001';
  return {
    orgId: DEFAULT_ORG_ID,
    agentId: 'agent_a',
    direction: 'outbound',
    priority: 'medium',
    workflowId: `call-${fields.callId}`,
    phoneLast4: phoneNumber.slice(-4),
    transcript: [],
    latency: [],
    metadata: {},
    timings: { queuedAt: fields.createdAt },
    updatedAt: fields.createdAt,
    // As the model's hooks write it with every new row.
    createdDay: createdDayOf(fields.createdAt),
    ...fields,
    phoneNumber,
    ...(fields.attempt > 1 && { retryOf: fields.callId }),
  };
}

const BULK = 23;

beforeAll(async () => {
  harness = await startApiHarness('call-list', { worker: false });
  otherOrgAdmin = await harness.createKey({ role: 'admin', orgId: 'org_other', name: 'other admin' });
  agentKey = await harness.createKey({ role: 'agent', name: 'agent a', agentIds: ['agent_a'] });
  await CallLog.deleteMany({});
  // Straight to the collection: mongoose would stamp `createdAt` with the time of the insert.
  await CallLog.collection.insertMany(([
    row({ _id: 'done', callId: 'done', attempt: 1, status: 'completed', finalStatus: 'completed', createdAt: at(10), campaignId: 'camp_1', phoneNumber: '+919876543210', outboundStatus: 'completed', exotelCallSid: 'sid_done' }),
    row({ _id: 'busy', callId: 'busy', attempt: 1, status: 'failed', failureReason: 'busy', finalStatus: 'failed', finalFailureReason: 'busy_max_retries', retryCount: 1, createdAt: at(20), agentId: 'agent_b', seriesId: 'series_1' }),
    row({ _id: 'busy-2', callId: 'busy', attempt: 2, status: 'failed', failureReason: 'busy', createdAt: at(25), agentId: 'agent_b', seriesId: 'series_1' }),
    row({ _id: 'retry', callId: 'retry', attempt: 1, status: 'failed', failureReason: 'no_answer', createdAt: at(30) }),
    row({ _id: 'retry-2', callId: 'retry', attempt: 2, status: 'ringing', createdAt: at(35) }),
    row({ _id: 'ring', callId: 'ring', attempt: 1, status: 'ringing', createdAt: at(40), agentId: 'agent_b' }),
    row({ _id: 'vm', callId: 'vm', attempt: 1, status: 'voicemail', finalStatus: 'voicemail', createdAt: at(50), phoneNumber: '+919812345678' }),
    row({ _id: 'theirs', callId: 'theirs', attempt: 1, status: 'completed', finalStatus: 'completed', createdAt: at(60), orgId: 'org_other', phoneNumber: '+919876543210' }),
    // Either side of midnight in Asia/Kolkata (UTC+05:30): 4 December 23:59:59 and 5 December 00:00.
    row({ _id: 'edge_dec4', callId: 'edge_dec4', attempt: 1, status: 'scheduled', createdAt: new Date('2026-12-04T18:29:59.999Z'), campaignId: 'camp_edge' }),
    row({ _id: 'edge_dec5', callId: 'edge_dec5', attempt: 1, status: 'scheduled', createdAt: new Date('2026-12-04T18:30:00.000Z'), campaignId: 'camp_edge' }),
    // A campaign's calls, many created in the same millisecond, so that pages must break ties by id.
    ...Array.from({ length: BULK }, (_, i) =>
      row({ _id: `bulk-${String(i).padStart(2, '0')}`, callId: `bulk-${String(i).padStart(2, '0')}`, attempt: 1, status: 'completed', finalStatus: 'completed', createdAt: at(-100 - Math.floor(i / 5)), campaignId: 'camp_bulk' }),
    ),
  ]) as unknown as Parameters<typeof CallLog.collection.insertMany>[0]);
});

afterAll(async () => {
  await harness?.close();
});

async function list(query: Record<string, string | number>, key?: string): Promise<CallListAnswer> {
  const res = await harness.authed(undefined, key).get('/api/v1/calls').query(query);
  expect(res.status).toBe(200);
  return callListAnswerSchema.parse(res.body);
}
const ids = (answer: CallListAnswer) => answer.data.map((entry) => entry.callLogId);

describe('GET /api/v1/calls', () => {
  it('lists the organization\'s calls newest first, one entry per call with its latest attempt', async () => {
    const answer = await list({ limit: 200 });
    expect(ids(answer).slice(0, 7)).toEqual(['edge_dec5', 'edge_dec4', 'vm', 'ring', 'retry', 'busy', 'done']);
    expect(answer.data).toHaveLength(7 + BULK);
    expect(ids(answer)).not.toContain('theirs');
    expect(ids(answer)).not.toContain('busy-2');
    expect(answer.nextCursor).toBeNull();
    const busy = answer.data.find((entry) => entry.callLogId === 'busy');
    expect(busy).toMatchObject({
      status: 'failed',
      failureReason: 'busy_max_retries',
      seriesId: 'series_1',
      attemptCount: 2,
      latestAttempt: { attempt: 2, callLogId: 'busy-2', status: 'failed', failureReason: 'busy' },
    });
  });

  it("shows a one-attempt call's attempt whole: its Exotel status, sid and timings", async () => {
    const done = (await list({ limit: 200 })).data.find((entry) => entry.callLogId === 'done');
    expect(done?.latestAttempt).toEqual({
      attempt: 1,
      callLogId: 'done',
      status: 'completed',
      outboundStatus: 'completed',
      failureReason: null,
      exotelCallSid: 'sid_done',
      timings: { queuedAt: at(10).toISOString() },
      createdAt: at(10).toISOString(),
      updatedAt: at(10).toISOString(),
    });
  });

  it('reports a call between attempts as retry_scheduled, with its latest attempt as it stands', async () => {
    const answer = await list({ status: 'retry_scheduled' });
    expect(ids(answer)).toEqual(['retry']);
    expect(answer.data[0]).toMatchObject({ failureReason: 'no_answer', attemptCount: 2, latestAttempt: { attempt: 2, status: 'ringing' } });
  });

  it.each([
    [{ status: 'completed', campaignId: 'camp_1' }, ['done']],
    [{ status: 'failed' }, ['busy']],
    [{ status: 'ringing' }, ['ring']],
    [{ status: 'voicemail' }, ['vm']],
    [{ failureReason: 'busy_max_retries' }, ['busy']],
    [{ failureReason: 'no_answer' }, ['retry']],
    [{ failureReason: 'busy' }, []],
    [{ agentId: 'agent_b' }, ['ring', 'busy']],
    [{ seriesId: 'series_1' }, ['busy']],
    [{ campaignId: 'camp_1' }, ['done']],
    [{ agentId: 'agent_b', status: 'ringing' }, ['ring']],
    [{ from: at(20).toISOString(), to: at(50).toISOString() }, ['ring', 'retry', 'busy']],
  ])('filters by %j', async (query, expected) => {
    expect(ids(await list(query))).toEqual(expected);
  });

  it.each(['+919876543210', '09876543210', '+91 98765 43210', '98765-43210', '(+91) 9876 543 210'])(
    'finds a number written as %s, in its own organization only',
    async (phoneNumber) => {
      expect(ids(await list({ phoneNumber }))).toEqual(['done']);
      expect(ids(await list({ phoneNumber }, otherOrgAdmin))).toEqual(['theirs']);
    },
  );

  it('reads a date-only from and to as whole days in the account\'s time zone', async () => {
    expect(ids(await list({ campaignId: 'camp_edge', from: '2026-12-05' }))).toEqual(['edge_dec5']);
    expect(ids(await list({ campaignId: 'camp_edge', to: '2026-12-04' }))).toEqual(['edge_dec4']);
    expect(ids(await list({ campaignId: 'camp_edge', from: '2026-12-04', to: '2026-12-05' }))).toEqual(['edge_dec5', 'edge_dec4']);
    expect(ids(await list({ campaignId: 'camp_edge', from: '2026-12-05', to: '2026-12-05' }))).toEqual(['edge_dec5']);
  });

  it('pages through every call once, in order, with no gaps or repeats', async () => {
    const whole = ids(await list({ campaignId: 'camp_bulk', limit: 200 }));
    expect(whole).toHaveLength(BULK);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer: CallListAnswer = await list({ campaignId: 'camp_bulk', limit: 4, ...(cursor && { cursor }) });
      expect(answer.data.length).toBeLessThanOrEqual(4);
      seen.push(...ids(answer));
      cursor = answer.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(Math.ceil(BULK / 4));
    expect(seen).toEqual(whole);
    expect(new Set(seen).size).toBe(BULK);
    const created = (await list({ campaignId: 'camp_bulk', limit: 200 })).data.map((entry) => [entry.createdAt, entry.callLogId].join(' '));
    expect(created).toEqual([...created].sort().reverse());
  });

  it('ends the last full page with a null cursor when nothing follows', async () => {
    const answer = await list({ campaignId: 'camp_edge', limit: 2 });
    expect(answer.data).toHaveLength(2);
    expect(answer.nextCursor).toBeNull();
  });

  it('shows an agent key only its own agents\' calls', async () => {
    const mine = ids(await list({ limit: 200 }, agentKey));
    expect(mine).toContain('done');
    expect(mine).not.toContain('busy');
    expect(mine).not.toContain('ring');
    expect(ids(await list({ agentId: 'agent_b' }, agentKey))).toEqual([]);
    expect(ids(await list({ status: 'ringing' }, agentKey))).toEqual([]);
  });

  it('shows another organization none of these calls', async () => {
    expect(ids(await list({ limit: 200 }, otherOrgAdmin))).toEqual(['theirs']);
    expect(ids(await list({ campaignId: 'camp_1' }, otherOrgAdmin))).toEqual([]);
  });

  it.each([
    [{ cursor: 'not a cursor!' }, 'INVALID_CURSOR'],
    [{ cursor: 'bm9wZQ' }, 'INVALID_CURSOR'],
    [{ cursor: Buffer.from(JSON.stringify([1, 'a b'])).toString('base64url') }, 'INVALID_CURSOR'],
    [{ phoneNumber: '12' }, 'INVALID_PHONE_NUMBER'],
    [{ phoneNumber: 'call me' }, 'INVALID_PHONE_NUMBER'],
    [{ status: 'lost' }, 'VALIDATION_ERROR'],
    [{ failureReason: 'bad_luck' }, 'VALIDATION_ERROR'],
    [{ agentId: 'a b' }, 'VALIDATION_ERROR'],
    [{ limit: 0 }, 'VALIDATION_ERROR'],
    [{ limit: 201 }, 'VALIDATION_ERROR'],
    [{ limit: 'ten' }, 'VALIDATION_ERROR'],
    [{ from: 'yesterday' }, 'VALIDATION_ERROR'],
    [{ from: '2026-02-30' }, 'VALIDATION_ERROR'],
    [{ from: '2026-12-06', to: '2026-12-05' }, 'INVALID_PERIOD'],
    [{ from: '2026-12-05T10:00:00Z', to: '2026-12-05T09:00:00Z' }, 'INVALID_PERIOD'],
    [{ from: '2026-12-05T10:00:00Z', to: '2026-12-05T10:00:00Z' }, 'INVALID_PERIOD'],
    [{ agent: 'agent_a' }, 'VALIDATION_ERROR'],
  ])('refuses %j with 400 %s', async (query, code) => {
    const res = await harness.api.get('/api/v1/calls').query(query);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
  });

  it('answers 401 without a key', async () => {
    const res = await harness.authed(undefined, 'rl_not_a_key').get('/api/v1/calls');
    expect(res.status).toBe(401);
  });
});
