import { CallLog } from '../../db/models/call-log';
import { LineBookRecord } from '../../db/models/line-book';
import type { CallStatus } from '../../domain/call-status';
import { gateRoom, startApiHarness, unreachableTemporalClient, type ApiHarness } from './api-harness';

let harness: ApiHarness;

beforeAll(async () => {
  harness = await startApiHarness('call_stats', { config: { MAX_CONCURRENT_CALLS: '8' } });
  const day = (d: number) => new Date(Date.UTC(2026, 10, d, 10));
  const rows: [string, CallStatus, string | null, Date][] = [
    ['agent_a', 'completed', null, day(1)],
    ['agent_a', 'completed', null, day(2)],
    ['agent_a', 'failed', 'busy', day(2)],
    ['agent_a', 'failed', 'no_answer', day(3)],
    ['agent_a', 'voicemail', 'voicemail', day(3)],
    ['agent_b', 'failed', 'busy', day(4)],
    ['agent_b', 'failed', 'busy_max_retries', day(5)],
    ['agent_b', 'in_progress', null, day(5)],
    ['agent_b', 'cancelled', 'cancelled', day(6)],
  ];
  // What the media server records once a greeting has played; attempts that never greeted have none.
  const greetings: Record<number, { cacheHit: boolean; prewarmed: boolean; firstFrameMs?: number }> = {
    0: { cacheHit: true, prewarmed: true, firstFrameMs: 3 },
    1: { cacheHit: true, prewarmed: false, firstFrameMs: 4 },
    4: { cacheHit: false, prewarmed: false, firstFrameMs: 180 },
    7: { cacheHit: true, prewarmed: true },
  };
  await CallLog.insertMany(
    rows.map(([agentId, status, failureReason, createdAt], index) => ({
      ...(greetings[index] && { greeting: greetings[index] }),
      _id: `call_stats_${index}`,
      callId: `call_stats_${index}`,
      attempt: 1,
      phoneNumber: '+919876543210',
      phoneLast4: '3210',
      agentId,
      status,
      failureReason,
      workflowId: `call-call_stats_${index}`,
      createdAt,
    })),
    { timestamps: false },
  );
});

afterAll(async () => {
  await harness?.close();
});

describe('GET /api/v1/calls/outbound/stats', () => {
  it('reports idle lines from the configuration while the line gate has not started', async () => {
    const res = await harness.api.get('/api/v1/calls/outbound/stats');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      lineGate: 'not_started',
      lines: { limit: 8, active: 0, waiting: { high: 0, medium: 0, low: 0 }, waitingTotal: 0, utilization: 0 },
      circuitBreaker: { state: 'closed', consecutiveFailures: 0, openUntil: null, opensTotal: 0 },
    });
  });

  it('counts outcomes and failure reasons of every attempt', async () => {
    const res = await harness.api.get('/api/v1/calls/outbound/stats');
    expect(res.body.attemptsTotal).toBe(9);
    expect(res.body.outcomes).toEqual({ completed: 2, failed: 4, voicemail: 1, in_progress: 1, cancelled: 1 });
    expect(res.body.failureReasons).toEqual({ busy: 2, no_answer: 1, voicemail: 1, busy_max_retries: 1, cancelled: 1 });
  });

  it('filters by agent and by period', async () => {
    const byAgent = await harness.api.get('/api/v1/calls/outbound/stats?agentId=agent_b');
    expect(byAgent.body.outcomes).toEqual({ failed: 2, in_progress: 1, cancelled: 1 });
    expect(byAgent.body.failureReasons).toEqual({ busy: 1, busy_max_retries: 1, cancelled: 1 });

    const period = await harness.api
      .get('/api/v1/calls/outbound/stats')
      .query({ from: '2026-11-02T00:00:00Z', to: '2026-11-04T23:59:59Z' });
    expect(period.body.outcomes).toEqual({ completed: 1, failed: 3, voicemail: 1 });
    expect(period.body.failureReasons).toEqual({ busy: 2, no_answer: 1, voicemail: 1 });

    const both = await harness.api
      .get('/api/v1/calls/outbound/stats')
      .query({ agentId: 'agent_a', from: '2026-11-03T00:00:00+05:30' });
    expect(both.body.outcomes).toEqual({ failed: 1, voicemail: 1 });
  });

  it('reports how greetings went out: cache hits and hits on prewarmed audio, over the same filter', async () => {
    const all = await harness.api.get('/api/v1/calls/outbound/stats');
    expect(all.body.greetingCache).toEqual({ greetingsPlayed: 4, cacheHits: 3, prewarmedHits: 2, hitRate: 0.75, prewarmedHitRate: 0.5 });

    const byAgent = await harness.api.get('/api/v1/calls/outbound/stats?agentId=agent_b');
    expect(byAgent.body.greetingCache).toEqual({ greetingsPlayed: 1, cacheHits: 1, prewarmedHits: 1, hitRate: 1, prewarmedHitRate: 1 });

    const period = await harness.api
      .get('/api/v1/calls/outbound/stats')
      .query({ from: '2026-11-02T00:00:00Z', to: '2026-11-04T23:59:59Z' });
    expect(period.body.greetingCache).toEqual({ greetingsPlayed: 2, cacheHits: 1, prewarmedHits: 0, hitRate: 0.5, prewarmedHitRate: 0 });

    const none = await harness.api.get('/api/v1/calls/outbound/stats?agentId=agent_c');
    expect(none.body.greetingCache).toEqual({ greetingsPlayed: 0, cacheHits: 0, prewarmedHits: 0, hitRate: 0, prewarmedHitRate: 0 });
  });

  it('reports the live lines from the line book and the waiting room and breaker from the gate', async () => {
    const account = harness.config.EXOTEL_ACCOUNT_SID;
    const expiresAt = Date.now() + 600_000;
    await LineBookRecord.create({
      _id: account,
      version: 1,
      holders: [
        { workflowId: 'call-a', priority: 'high', grantedAt: Date.now(), expiresAt },
        { workflowId: 'call-b', priority: 'low', grantedAt: Date.now(), expiresAt },
        { workflowId: 'call-c', priority: 'low', grantedAt: Date.now(), expiresAt },
        { workflowId: 'call-gone', priority: 'low', grantedAt: Date.now() - 60_000, expiresAt: Date.now() - 1 },
      ],
      waiting: [],
      consecutiveFailures: 5,
      fastPath: false,
      grantsTotal: 4,
      reclaimedTotal: 0,
    });
    const stopGate = await harness.startLineGate(
      gateRoom({ waiting: { high: 2, medium: 5, low: 1 }, waitingTotal: 8, circuit: { state: 'open', openUntil: '2026-11-23T10:01:00Z', opensTotal: 2 } }),
    );
    try {
      const res = await harness.api.get('/api/v1/calls/outbound/stats');
      expect(res.body).toMatchObject({
        lineGate: 'running',
        lines: { limit: 8, active: 3, waiting: { high: 2, medium: 5, low: 1 }, waitingTotal: 8, utilization: 0.375 },
        circuitBreaker: { state: 'open', consecutiveFailures: 5, openUntil: '2026-11-23T10:01:00Z', opensTotal: 2 },
      });
    } finally {
      await stopGate();
      await LineBookRecord.deleteOne({ _id: account });
    }
  });

  it('still answers with the database figures when Temporal does not answer', async () => {
    const app = harness.makeApp({ client: await unreachableTemporalClient(), timeouts: { queryMs: 300 } });
    const res = await harness.authed(app).get('/api/v1/calls/outbound/stats');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ lineGate: 'unavailable', lines: { limit: 8, active: 0 }, attemptsTotal: 9 });
  });

  it.each([['from=yesterday'], ['to=2026-02-30'], ['from=2026-11-05T00:00:00Z&to=2026-11-01T00:00:00Z'], ['agentId=a/b']])(
    'refuses %s',
    async (query) => {
      const res = await harness.api.get(`/api/v1/calls/outbound/stats?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    },
  );
});
