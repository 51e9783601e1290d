import { Client, Connection } from '@temporalio/client';
import express, { type Express } from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import type { CallRoutesContext } from '../../api/call-context';
import { LineGateSnapshot } from '../../api/line-gate-snapshot';
import { OrgCallGuard } from '../../lib/org-call-limits';
import { errorHandler, notFoundHandler } from '../../api/middleware/error-handler';
import { analyticsRouter } from '../../api/routes/analytics';
import { DEFAULT_TEMPORAL_TIMEOUTS } from '../../api/temporal-calls';
import { connectDatabase, disconnectDatabase } from '../../db/connection';
import { CallLog } from '../../db/models/call-log';
import { RetryAttempt } from '../../db/models/retry-attempt';
import { ScheduledCall } from '../../db/models/scheduled-call';
import type { CallStatus } from '../../domain/call-status';
import { parseConfig } from '../../domain/config';
import { authenticate } from '../../api/access/authenticate';
import { createApiKey } from '../../lib/api-keys';
import { generateSecrets } from '../../lib/generated-secrets';
import { createLogger } from '../../lib/logger';
import { testDataConverter } from '../helpers/temporal-test-env';
import { testDatabaseUri, testInfra } from '../helpers/test-infra';

/**
 * Every report against FerretDB over a hand-made seed. The expected figures are worked out by hand in
 * the comments from the rows below; none is recomputed with the code under test.
 *
 * The period P is [2026-11-02, 2026-11-05). Attempts in it (agent a = agent_a, b = agent_b):
 *
 * | id  | agent | campaign | attempt | created     | status      | reason          | final (status / reason)              | dialed | answered | durationSec |
 * |-----|-------|----------|---------|-------------|-------------|-----------------|--------------------------------------|--------|----------|-------------|
 * | A   | a     | camp_1   | 1       | 11-02 09:00 | failed      | no_answer       | completed, retryCount 2               | yes    |          |             |
 * | A-2 | a     | camp_1   | 2       | 11-02 09:05 | failed      | busy            |                                       | yes    |          |             |
 * | A-3 | a     | camp_1   | 3       | 11-02 09:30 | completed   |                 |                                       | yes    | yes      | 125         |
 * | B   | a     | camp_1   | 1       | 11-02 14:00 | completed   |                 | completed                             | yes    | yes      | 60          |
 * | C   | a     |          | 1       | 11-03 10:00 | voicemail   | voicemail       | voicemail / voicemail                 | yes    | yes      | 20          |
 * | D   | b     |          | 1       | 11-03 11:00 | failed      | connection_lost | failed / connection_lost_max_retries, retryCount 1 | yes | yes | 5       |
 * | D-2 | b     |          | 2       | 11-03 11:01 | failed      | connection_lost |                                       | yes    | yes      | 3           |
 * | E   | b     |          | 1       | 11-04 08:00 | failed      | no_answer       | (none: waiting for its retry)         | yes    |          |             |
 * | F   | b     |          | 1       | 11-04 20:00 | in_progress |                 |                                       | yes    | yes      |             |
 * | G   | a     |          | 1       | 11-04 12:00 | cancelled   | cancelled       | cancelled / cancelled                 |        |          |             |
 * | H   | b     |          | 1       | 11-04 13:00 | scheduled   |                 |                                       |        |          |             |
 *
 * Outside P: X (a, 11-01 12:00, completed, 30 s, a 9000 ms turn), Y (a, exactly 11-05 00:00, ringing),
 * and today's T (a, completed, 61 s) and T2 (b, dialing), created when the test runs.
 */

const P = { from: '2026-11-02T00:00:00Z', to: '2026-11-05T00:00:00Z' };
const at = (iso: string) => new Date(`2026-${iso}Z`);

interface Seed {
  id: string;
  agentId: 'agent_a' | 'agent_b';
  campaignId?: string;
  attempt?: number;
  createdAt: Date;
  status: CallStatus;
  failureReason?: string;
  finalStatus?: CallStatus;
  finalFailureReason?: string;
  retryCount?: number;
  dialedAt?: Date;
  answeredAt?: Date;
  durationSec?: number;
  /** A bot turn may name who spoke it; without, it is Deepgram's, as turns recorded before ElevenLabs are. */
  transcript?: [speaker: 'bot' | 'caller', characters: number, provider?: 'deepgram' | 'elevenlabs'][];
  latency?: { turn: number; sttFinalMs?: number; llmFirstTokenMs?: number; ttsFirstByteMs?: number; voiceToVoiceMs?: number }[];
  greeting?: { cacheHit: boolean; prewarmed: boolean; firstFrameMs?: number };
}

function callLogRow(seed: Seed) {
  const attempt = seed.attempt ?? 1;
  const callId = attempt === 1 ? seed.id : seed.id.split('-')[0];
  return {
    _id: seed.id,
    callId,
    attempt,
    retryOf: attempt > 1 ? callId : null,
    retryCount: seed.retryCount ?? attempt - 1,
    phoneNumber: '+919876543210',
    phoneLast4: '3210',
    agentId: seed.agentId,
    campaignId: seed.campaignId ?? null,
    status: seed.status,
    failureReason: seed.failureReason ?? null,
    finalStatus: seed.finalStatus ?? null,
    finalFailureReason: seed.finalFailureReason ?? null,
    workflowId: `call-${callId}`,
    timings: {
      ...(seed.dialedAt && { dialedAt: seed.dialedAt }),
      ...(seed.answeredAt && { answeredAt: seed.answeredAt }),
      ...(seed.durationSec !== undefined && { durationSec: seed.durationSec }),
    },
    transcript: (seed.transcript ?? []).map(([speaker, characters, provider], index) => ({
      turn: index + 1,
      speaker,
      text: (speaker === 'bot' ? 'b' : 'c').repeat(characters),
      startedAt: seed.createdAt,
      ...(provider && { tts: { provider } }),
    })),
    latency: seed.latency ?? [],
    ...(seed.greeting && { greeting: seed.greeting }),
    createdAt: seed.createdAt,
    updatedAt: seed.createdAt,
  };
}

const now = new Date();
const seeds: Seed[] = [
  {
    id: 'A', agentId: 'agent_a', campaignId: 'camp_1', createdAt: at('11-02T09:00:00'), status: 'failed', failureReason: 'no_answer',
    finalStatus: 'completed', retryCount: 2, dialedAt: at('11-02T09:00:05'),
  },
  { id: 'A-2', agentId: 'agent_a', campaignId: 'camp_1', attempt: 2, createdAt: at('11-02T09:05:00'), status: 'failed', failureReason: 'busy', dialedAt: at('11-02T09:05:02') },
  {
    id: 'A-3', agentId: 'agent_a', campaignId: 'camp_1', attempt: 3, createdAt: at('11-02T09:30:00'), status: 'completed',
    dialedAt: at('11-02T09:30:01'), answeredAt: at('11-02T09:30:10'), durationSec: 125,
    // Bot 40 + 60 + 24 = 124 characters. Replies: turn 3 sees 40 + 20 + 60 = 120 → 30 tokens; turn 5 sees 120 + 16 + 24 = 160 → 40.
    transcript: [['bot', 40], ['caller', 20], ['bot', 60], ['caller', 16], ['bot', 24]],
    latency: [
      { turn: 3, sttFinalMs: 200, llmFirstTokenMs: 400, ttsFirstByteMs: 150, voiceToVoiceMs: 900 },
      { turn: 5, sttFinalMs: 300, llmFirstTokenMs: 500, ttsFirstByteMs: 250, voiceToVoiceMs: 1100 },
    ],
    greeting: { cacheHit: false, prewarmed: false, firstFrameMs: 220 },
  },
  {
    id: 'B', agentId: 'agent_a', campaignId: 'camp_1', createdAt: at('11-02T14:00:00'), status: 'completed', finalStatus: 'completed',
    dialedAt: at('11-02T14:00:20'), answeredAt: at('11-02T14:00:30'), durationSec: 60,
    // Bot 30 + 50 = 80 characters; the reply at turn 3 sees 90 → ceil(22.5) = 23 tokens.
    transcript: [['bot', 30], ['caller', 10], ['bot', 50]],
    latency: [{ turn: 3, sttFinalMs: 100, llmFirstTokenMs: 300, ttsFirstByteMs: 120, voiceToVoiceMs: 700 }],
    greeting: { cacheHit: true, prewarmed: true, firstFrameMs: 4 },
  },
  {
    id: 'C', agentId: 'agent_a', createdAt: at('11-03T10:00:00'), status: 'voicemail', failureReason: 'voicemail', finalStatus: 'voicemail',
    finalFailureReason: 'voicemail', dialedAt: at('11-03T10:02:00'), answeredAt: at('11-03T10:02:10'), durationSec: 20,
    // Greeting and voicemail message: 80 bot characters, no model reply.
    transcript: [['bot', 30], ['bot', 50]],
    greeting: { cacheHit: false, prewarmed: false, firstFrameMs: 180 },
  },
  {
    id: 'D', agentId: 'agent_b', createdAt: at('11-03T11:00:00'), status: 'failed', failureReason: 'connection_lost', finalStatus: 'failed',
    finalFailureReason: 'connection_lost_max_retries', retryCount: 1, dialedAt: at('11-03T11:00:45'), answeredAt: at('11-03T11:00:50'), durationSec: 5,
    // Bot 30 + 10 = 40 characters, the reply's 10 spoken by ElevenLabs; the reply at turn 3 sees 52 → 13 tokens. The line dropped before its audio: two stages only.
    transcript: [['bot', 30], ['caller', 12], ['bot', 10, 'elevenlabs']],
    latency: [{ turn: 3, sttFinalMs: 150, llmFirstTokenMs: 350 }],
    greeting: { cacheHit: true, prewarmed: false, firstFrameMs: 6 },
  },
  {
    id: 'D-2', agentId: 'agent_b', attempt: 2, createdAt: at('11-03T11:01:00'), status: 'failed', failureReason: 'connection_lost',
    dialedAt: at('11-03T11:01:05'), answeredAt: at('11-03T11:01:10'), durationSec: 3,
  },
  { id: 'E', agentId: 'agent_b', createdAt: at('11-04T08:00:00'), status: 'failed', failureReason: 'no_answer', dialedAt: at('11-04T08:00:03') },
  {
    id: 'F', agentId: 'agent_b', createdAt: at('11-04T20:00:00'), status: 'in_progress', dialedAt: at('11-04T20:00:02'), answeredAt: at('11-04T20:00:09'),
    greeting: { cacheHit: true, prewarmed: true, firstFrameMs: 5 },
  },
  { id: 'G', agentId: 'agent_a', createdAt: at('11-04T12:00:00'), status: 'cancelled', failureReason: 'cancelled', finalStatus: 'cancelled', finalFailureReason: 'cancelled' },
  { id: 'H', agentId: 'agent_b', createdAt: at('11-04T13:00:00'), status: 'scheduled' },
  {
    id: 'X', agentId: 'agent_a', createdAt: at('11-01T12:00:00'), status: 'completed', finalStatus: 'completed',
    dialedAt: at('11-01T12:00:01'), answeredAt: at('11-01T12:00:05'), durationSec: 30,
    transcript: [['bot', 100], ['caller', 100], ['bot', 100]],
    latency: [{ turn: 3, sttFinalMs: 9000, llmFirstTokenMs: 9000, ttsFirstByteMs: 9000, voiceToVoiceMs: 9000 }],
    greeting: { cacheHit: true, prewarmed: true, firstFrameMs: 9000 },
  },
  { id: 'Y', agentId: 'agent_a', createdAt: at('11-05T00:00:00'), status: 'ringing', dialedAt: at('11-05T00:00:01') },
  { id: 'T', agentId: 'agent_a', createdAt: now, status: 'completed', finalStatus: 'completed', dialedAt: now, answeredAt: now, durationSec: 61 },
  { id: 'T2', agentId: 'agent_b', createdAt: now, status: 'dialing' },
];

function scheduledCallRow(callLogId: string, agentId: string, effectiveAt: Date, status: string, prewarmedAt: Date | null) {
  return {
    _id: callLogId, callLogId, workflowId: `call-${callLogId}`, phoneNumber: '+919876543210', phoneLast4: '3210', agentId,
    scheduledFor: effectiveAt, effectiveAt, timezone: 'Asia/Kolkata', status, prewarmedAt,
  };
}

function retryRow(originalCallLogId: string, attemptNumber: number, reason: string, status: string) {
  return {
    originalCallLogId, attemptNumber, callLogId: `${originalCallLogId}-${attemptNumber}`, reason, delayMs: 60_000,
    scheduledFor: at('11-02T00:00:00'), status,
  };
}

const config = parseConfig({
    ...generateSecrets(),
  COST_CURRENCY: 'INR',
  COST_TELEPHONY_PER_MINUTE: '0.6',
  COST_PER_DIAL_ATTEMPT: '0.1',
  COST_STT_PER_MINUTE: '0.36',
  COST_TTS_PER_1K_CHARS: '1.25',
  COST_ELEVENLABS_TTS_PER_1K_CHARS: '5',
  COST_LLM_PER_1K_TOKENS: '0.04',
});
let temporal: Client;
let app: Express;
let adminKey: string;
const authed = (target: Express) => request.agent(target).set('Authorization', `Bearer ${adminKey}`);

beforeAll(async () => {
  await connectDatabase(testDatabaseUri('analytics'));
  const logger = createLogger('analytics-test', { level: 'silent' });
  temporal = new Client({ connection: Connection.lazy({ address: testInfra().temporalAddress }), dataConverter: testDataConverter() });
  adminKey = (await createApiKey({ role: 'admin' }, config.API_KEY_PEPPER)).key;
  const ctx: CallRoutesContext = {
    temporal,
    config,
    logger,
    timeouts: DEFAULT_TEMPORAL_TIMEOUTS,
    lineGate: new LineGateSnapshot(temporal, config.EXOTEL_ACCOUNT_SID, DEFAULT_TEMPORAL_TIMEOUTS.queryMs),
    orgCalls: new OrgCallGuard(config),
  };
  app = express().use(express.json()).use(authenticate(config, logger)).use('/api/v1', analyticsRouter(ctx)).use(notFoundHandler()).use(errorHandler(logger));

  await CallLog.insertMany(seeds.map(callLogRow), { timestamps: false });
  await ScheduledCall.insertMany([
    // B dialled 20 s after its time, C 120 s, D 45 s; G was cancelled and H waits.
    scheduledCallRow('B', 'agent_a', at('11-02T14:00:00'), 'completed', at('11-02T13:59:30')),
    scheduledCallRow('C', 'agent_a', at('11-03T10:00:00'), 'completed', at('11-03T09:59:30')),
    scheduledCallRow('D', 'agent_b', at('11-03T11:00:00'), 'failed', at('11-03T10:59:30')),
    scheduledCallRow('G', 'agent_a', at('11-04T12:30:00'), 'cancelled', null),
    scheduledCallRow('H', 'agent_b', at('11-04T23:00:00'), 'pending', null),
    scheduledCallRow('X', 'agent_a', at('11-01T12:00:00'), 'completed', at('11-01T11:59:30')),
  ]);
  await RetryAttempt.insertMany([
    retryRow('A', 2, 'no_answer', 'dialed'),
    retryRow('A', 3, 'busy', 'dialed'),
    retryRow('D', 2, 'connection_lost', 'dialed'),
    retryRow('E', 2, 'no_answer', 'scheduled'),
    retryRow('X', 2, 'network_error', 'dialed'),
  ]);
});

afterAll(async () => {
  await mongoose.connection.db?.dropDatabase();
  await disconnectDatabase();
  await temporal?.connection.close();
});

async function get(report: string, query: Record<string, string> = {}) {
  const res = await authed(app).get(`/api/v1/analytics/${report}`).query(query);
  expect(res.status).toBe(200);
  return res.body;
}

const EMPTY = { from: '2026-10-01T00:00:00Z', to: '2026-10-01T03:00:00Z' };

describe('GET /analytics/calls', () => {
  it('counts logical calls by outcome, attempts by status, and connected durations over P', async () => {
    const body = await get('calls', P);
    expect(body.filter).toEqual({ from: '2026-11-02T00:00:00.000Z', to: '2026-11-05T00:00:00.000Z', agentId: null, campaignId: null });
    // Finished: A, B (completed), C (voicemail), D (failed), G (cancelled); E waits for its retry.
    expect(body.calls).toEqual({
      total: 8,
      finished: 5,
      completed: 2,
      successRate: 0.4,
      byOutcome: { completed: 2, voicemail: 1, failed: 1, retry_scheduled: 1, in_progress: 1, cancelled: 1, scheduled: 1 },
      failureReasons: { connection_lost_max_retries: 1 },
    });
    expect(body.attempts).toEqual({ total: 11, byStatus: { failed: 5, completed: 2, voicemail: 1, in_progress: 1, cancelled: 1, scheduled: 1 } });
    // 3, 5, 20, 60, 125 s: p50 is the 3rd, p90 and p99 the 5th; 213 / 5 = 42.6.
    expect(body.duration).toEqual({ connectedAttempts: 5, totalSec: 213, meanSec: 42.6, p50Sec: 20, p90Sec: 125, p99Sec: 125 });
  });

  it('narrows by agent, by campaign and by period', async () => {
    const agentA = await get('calls', { ...P, agentId: 'agent_a' });
    expect(agentA.calls).toEqual({ total: 4, finished: 4, completed: 2, successRate: 0.5, byOutcome: { completed: 2, voicemail: 1, cancelled: 1 }, failureReasons: {} });
    expect(agentA.attempts).toEqual({ total: 6, byStatus: { failed: 2, completed: 2, voicemail: 1, cancelled: 1 } });
    // 20, 60, 125: p50 is the 2nd; 205 / 3 = 68.33.
    expect(agentA.duration).toEqual({ connectedAttempts: 3, totalSec: 205, meanSec: 68.33, p50Sec: 60, p90Sec: 125, p99Sec: 125 });

    const campaign = await get('calls', { ...P, campaignId: 'camp_1' });
    expect(campaign.filter.campaignId).toBe('camp_1');
    expect(campaign.calls).toEqual({ total: 2, finished: 2, completed: 2, successRate: 1, byOutcome: { completed: 2 }, failureReasons: {} });
    expect(campaign.attempts).toEqual({ total: 4, byStatus: { failed: 2, completed: 2 } });
    expect(campaign.duration).toEqual({ connectedAttempts: 2, totalSec: 185, meanSec: 92.5, p50Sec: 60, p90Sec: 125, p99Sec: 125 });

    const day = await get('calls', { from: '2026-11-03T00:00:00Z', to: '2026-11-04T00:00:00Z' });
    expect(day.calls).toEqual({ total: 2, finished: 2, completed: 0, successRate: 0, byOutcome: { voicemail: 1, failed: 1 }, failureReasons: { connection_lost_max_retries: 1 } });
    expect(day.attempts).toEqual({ total: 3, byStatus: { voicemail: 1, failed: 2 } });
    // 3, 5, 20: 28 / 3 = 9.33.
    expect(day.duration).toEqual({ connectedAttempts: 3, totalSec: 28, meanSec: 9.33, p50Sec: 5, p90Sec: 20, p99Sec: 20 });
  });

  it('defaults to the last seven days, which hold only today\'s calls', async () => {
    const body = await get('calls');
    expect(Date.parse(body.filter.to) - Date.parse(body.filter.from)).toBe(7 * 86_400_000);
    expect(body.calls).toEqual({ total: 2, finished: 1, completed: 1, successRate: 1, byOutcome: { completed: 1, dialing: 1 }, failureReasons: {} });
    expect(body.attempts).toEqual({ total: 2, byStatus: { completed: 1, dialing: 1 } });
    expect(body.duration).toEqual({ connectedAttempts: 1, totalSec: 61, meanSec: 61, p50Sec: 61, p90Sec: 61, p99Sec: 61 });
  });

  it('reports an empty period as zeros, with no statistic for no samples', async () => {
    const body = await get('calls', EMPTY);
    expect(body.calls).toEqual({ total: 0, finished: 0, completed: 0, successRate: 0, byOutcome: {}, failureReasons: {} });
    expect(body.attempts).toEqual({ total: 0, byStatus: {} });
    expect(body.duration).toEqual({ connectedAttempts: 0, totalSec: 0, meanSec: null, p50Sec: null, p90Sec: null, p99Sec: null });
  });
});

describe('GET /analytics/retry', () => {
  it('counts retried calls, attempts per finished call and retry reasons over P', async () => {
    const body = await get('retry', P);
    // Finished: B, C, G took 1 attempt, D 2, A 3. Retried: A (completed) and D (failed).
    // RetryAttempt rows of P's calls: A no_answer, A busy, D connection_lost, E no_answer (X is outside P).
    expect(body).toEqual({
      filter: { from: '2026-11-02T00:00:00.000Z', to: '2026-11-05T00:00:00.000Z', agentId: null, campaignId: null },
      logicalCalls: 8,
      finishedCalls: 5,
      retriedCalls: 2,
      completedAfterRetry: 1,
      attemptsDistribution: { 1: 3, 2: 1, 3: 1 },
      retryRate: 0.4,
      successAfterRetryRate: 0.5,
      retriesScheduled: 4,
      retriesByReason: { no_answer: 2, busy: 1, connection_lost: 1 },
    });
  });

  it('narrows by agent', async () => {
    const body = await get('retry', { ...P, agentId: 'agent_b' });
    // D, E, F, H; only D finished, after 2 attempts. Retries: D connection_lost, E no_answer.
    expect(body).toMatchObject({
      logicalCalls: 4,
      finishedCalls: 1,
      retriedCalls: 1,
      completedAfterRetry: 0,
      attemptsDistribution: { 2: 1 },
      retryRate: 1,
      successAfterRetryRate: 0,
      retriesScheduled: 2,
      retriesByReason: { connection_lost: 1, no_answer: 1 },
    });
  });

  it('reports an empty period as zeros', async () => {
    expect(await get('retry', EMPTY)).toMatchObject({
      logicalCalls: 0, finishedCalls: 0, retriedCalls: 0, completedAfterRetry: 0, attemptsDistribution: {},
      retryRate: 0, successAfterRetryRate: 0, retriesScheduled: 0, retriesByReason: {},
    });
  });
});

describe('GET /analytics/scheduling', () => {
  it('counts scheduled calls due in P, their dial lag and prewarmed greetings', async () => {
    const body = await get('scheduling', P);
    // Due in P: B, C, D, G, H. Dialled: B +20 s, C +120 s, D +45 s → lags 20000, 45000, 120000 ms.
    // Greetings on the first attempts: B (prewarmed hit), C (miss), D (hit, not prewarmed).
    expect(body).toMatchObject({
      scheduledCalls: 5,
      byStatus: { completed: 2, failed: 1, cancelled: 1, pending: 1 },
      dialed: 3,
      onTime: 2,
      onTimeRate: 0.667,
      dialLagMs: { p50: 45000, p90: 120000, p99: 120000 },
      prewarmed: 3,
      greetingsPlayed: 3,
      prewarmHits: 1,
      prewarmHitRate: 0.333,
    });
  });

  it('narrows by agent and by campaign (through the first attempt)', async () => {
    expect(await get('scheduling', { ...P, agentId: 'agent_a' })).toMatchObject({
      scheduledCalls: 3,
      byStatus: { completed: 2, cancelled: 1 },
      dialed: 2,
      onTime: 1,
      onTimeRate: 0.5,
      dialLagMs: { p50: 20000, p90: 120000, p99: 120000 },
      prewarmed: 2,
      greetingsPlayed: 2,
      prewarmHits: 1,
      prewarmHitRate: 0.5,
    });
    expect(await get('scheduling', { ...P, campaignId: 'camp_1' })).toMatchObject({
      scheduledCalls: 1,
      byStatus: { completed: 1 },
      dialed: 1,
      onTime: 1,
      onTimeRate: 1,
      dialLagMs: { p50: 20000, p90: 20000, p99: 20000 },
      prewarmed: 1,
      greetingsPlayed: 1,
      prewarmHits: 1,
      prewarmHitRate: 1,
    });
  });

  it('reports an empty period as zeros', async () => {
    expect(await get('scheduling', EMPTY)).toMatchObject({
      scheduledCalls: 0, byStatus: {}, dialed: 0, onTime: 0, onTimeRate: 0, dialLagMs: { p50: null, p90: null, p99: null },
      prewarmed: 0, greetingsPlayed: 0, prewarmHits: 0, prewarmHitRate: 0,
    });
  });
});

describe('GET /analytics/voicemail', () => {
  it('counts voicemail attempts over answered ones', async () => {
    // Answered in P: A-3, B, C, D, D-2, F; voicemail: C.
    expect(await get('voicemail', P)).toMatchObject({ attempts: 11, answeredAttempts: 6, voicemailAttempts: 1, voicemailRate: 0.167, callsEndingInVoicemail: 1 });
    expect(await get('voicemail', { ...P, agentId: 'agent_b' })).toMatchObject({
      attempts: 5, answeredAttempts: 3, voicemailAttempts: 0, voicemailRate: 0, callsEndingInVoicemail: 0,
    });
    expect(await get('voicemail', EMPTY)).toMatchObject({ attempts: 0, answeredAttempts: 0, voicemailAttempts: 0, voicemailRate: 0, callsEndingInVoicemail: 0 });
  });

  it('counts messages left and failed, the mean machine score, and unreachable attempts and calls on their own', async () => {
    // A period of its own, so the seed's other figures stay as worked out above.
    const Q = { from: '2026-10-10T00:00:00Z', to: '2026-10-11T00:00:00Z' };
    const answered = (id: string, minute: number) => ({
      ...callLogRow({ id, agentId: 'agent_a', createdAt: at(`10-10T10:${minute}:00`), status: 'voicemail', answeredAt: at(`10-10T10:${minute}:05`) }),
    });
    const detection = (messageLeft: boolean, score: number) => ({
      verdict: 'machine', score, reasons: ['beep 1000 Hz at 6200 ms (+0.60)'], decidedAtMs: 6500, messageAttempted: true, messageLeft, messageDurationMs: messageLeft ? 4200 : 900,
    });
    await CallLog.insertMany(
      [
        // V1 left its message (score 0.9), V2's machine hung up half-way (0.7), V3 has no record (detection was off).
        { ...answered('V1', 10), failureReason: 'voicemail', voicemailDetection: detection(true, 0.9) },
        { ...answered('V2', 11), failureReason: 'voicemail', voicemailDetection: detection(false, 0.7) },
        { ...answered('V3', 12), failureReason: 'voicemail' },
        // U1: an announcement, retried; U1-2: an announcement again, the retries spent; U2: unreachable, waiting for its retry.
        { ...answered('U1', 20), status: 'failed', failureReason: 'unreachable', finalStatus: 'failed', finalFailureReason: 'unreachable_max_retries' },
        { ...callLogRow({ id: 'U1-2', agentId: 'agent_a', attempt: 2, createdAt: at('10-10T10:25:00'), status: 'failed', failureReason: 'unreachable', answeredAt: at('10-10T10:25:05') }) },
        { ...answered('U2', 30), status: 'failed', failureReason: 'unreachable' },
      ],
      { timestamps: false },
    );
    // Answered: all six; voicemail: V1–V3, messages left: V1; scored: V1, V2 → (0.9 + 0.7) / 2 = 0.8.
    expect(await get('voicemail', Q)).toMatchObject({
      attempts: 6, answeredAttempts: 6, voicemailAttempts: 3, messagesLeft: 1, messagesFailed: 2, averageConfidence: 0.8,
      unreachableAttempts: 3, unreachableRate: 0.5, callsEndingUnreachable: 1,
    });
    expect(await get('voicemail', EMPTY)).toMatchObject({ messagesLeft: 0, messagesFailed: 0, averageConfidence: null, unreachableAttempts: 0, callsEndingUnreachable: 0 });
    await CallLog.deleteMany({ _id: { $in: ['V1', 'V2', 'V3', 'U1', 'U1-2', 'U2'] } });
  });
});

describe('GET /analytics/performance', () => {
  it('ranks every turn\'s latency per stage and the greetings\' first frames over P', async () => {
    const body = await get('performance', P);
    expect(body.stages).toEqual({
      // 100, 150, 200, 300
      sttFinalMs: { samples: 4, p50: 150, p90: 300, p95: 300, p99: 300 },
      // 300, 350, 400, 500
      llmFirstTokenMs: { samples: 4, p50: 350, p90: 500, p95: 500, p99: 500 },
      // 120, 150, 250
      ttsFirstByteMs: { samples: 3, p50: 150, p90: 250, p95: 250, p99: 250 },
      // 700, 900, 1100
      voiceToVoiceMs: { samples: 3, p50: 900, p90: 1100, p95: 1100, p99: 1100 },
    });
    // A-3 220, B 4, C 180, D 6, F 5 → 4, 5, 6, 180, 220.
    expect(body.greetingFirstFrameMs).toEqual({ samples: 5, p50: 6, p90: 220, p95: 220, p99: 220 });
    // 700, 900, 1100 in 100 ms bins: one each in [700, 800), [900, 1000) and [1100, 1200).
    const filled = (body.voiceToVoiceHistogram as { fromMs: number; count: number }[]).filter((bin) => bin.count > 0);
    expect(filled.map((bin) => [bin.fromMs, bin.count])).toEqual([
      [700, 1],
      [900, 1],
      [1100, 1],
    ]);
    expect(body.voiceToVoiceHistogram).toHaveLength(31);
  });

  it('narrows by agent, leaving stages without samples empty', async () => {
    const body = await get('performance', { ...P, agentId: 'agent_b' });
    expect(body.stages).toEqual({
      sttFinalMs: { samples: 1, p50: 150, p90: 150, p95: 150, p99: 150 },
      llmFirstTokenMs: { samples: 1, p50: 350, p90: 350, p95: 350, p99: 350 },
      ttsFirstByteMs: { samples: 0, p50: null, p90: null, p95: null, p99: null },
      voiceToVoiceMs: { samples: 0, p50: null, p90: null, p95: null, p99: null },
    });
    expect(body.greetingFirstFrameMs).toEqual({ samples: 2, p50: 5, p90: 6, p95: 6, p99: 6 });
  });
});

describe('GET /analytics/cost', () => {
  it('estimates the cost of P from the unit prices', async () => {
    const body = await get('cost', P);
    // Dialled: A, A-2, A-3, B, C, D, D-2, E, F. Started minutes: 125 s → 3, 60 → 1, 20 → 1, 5 → 1, 3 → 1.
    // Bot characters 124 + 80 + 80 + 40 = 324, of which D's 10 by ElevenLabs; tokens 70 + 23 + 0 + 13 = 106.
    expect(body).toMatchObject({
      currency: 'INR',
      logicalCalls: 8,
      usage: {
        dialAttempts: 9,
        connectedAttempts: 5,
        connectedSeconds: 213,
        billedMinutes: 7,
        ttsCharacters: 324,
        ttsCharactersByProvider: { deepgram: 314, elevenlabs: 10 },
        llmTokensEstimated: 106,
      },
      // 7 × 0.6; 9 × 0.1; 213 / 60 × 0.36; 0.314 × 1.25 + 0.010 × 5 = 0.3925 + 0.05; 0.106 × 0.04 = 0.00424.
      cost: { telephony: 4.2, dialAttempts: 0.9, stt: 1.278, tts: 0.4425, ttsByProvider: { deepgram: 0.3925, elevenlabs: 0.05 }, llm: 0.0042, total: 6.8247 },
      // 6.8247 / 8 = 0.8530875
      perCallAverage: 0.8531,
    });
  });

  it('narrows by agent', async () => {
    // D, D-2, E, F dialled; 5 s and 3 s → 2 minutes, 8 s; D: 40 characters (10 by ElevenLabs), 13 tokens.
    expect(await get('cost', { ...P, agentId: 'agent_b' })).toMatchObject({
      logicalCalls: 4,
      usage: { dialAttempts: 4, connectedAttempts: 2, connectedSeconds: 8, billedMinutes: 2, ttsCharacters: 40, ttsCharactersByProvider: { deepgram: 30, elevenlabs: 10 }, llmTokensEstimated: 13 },
      // 0.4 + 1.2 + 0.048 + (0.0375 + 0.05) + 0.00052 = 1.73602; / 4 → 0.434.
      cost: { telephony: 1.2, dialAttempts: 0.4, stt: 0.048, tts: 0.0875, ttsByProvider: { deepgram: 0.0375, elevenlabs: 0.05 }, llm: 0.0005, total: 1.736 },
      perCallAverage: 0.434,
    });
  });

  it('costs nothing over an empty period', async () => {
    expect(await get('cost', EMPTY)).toMatchObject({
      currency: 'INR',
      logicalCalls: 0,
      usage: { dialAttempts: 0, connectedAttempts: 0, connectedSeconds: 0, billedMinutes: 0, ttsCharacters: 0, llmTokensEstimated: 0 },
      cost: { telephony: 0, dialAttempts: 0, stt: 0, tts: 0, llm: 0, total: 0 },
      perCallAverage: 0,
    });
  });
});

describe('GET /analytics/trends', () => {
  const bucket = (start: string, end: string, counts: Partial<Record<string, number | null>> = {}) => ({
    start, end, attempts: 0, completed: 0, failed: 0, voicemail: 0, retries: 0, calls: 0, successRate: 0, totalDurationSec: 0, meanDurationSec: null, meanVoiceToVoiceMs: null, ...counts,
  });

  it('buckets P by day (the default for three days)', async () => {
    const body = await get('trends', P);
    expect(body.bucket).toBe('day');
    expect(body.buckets).toEqual([
      // A, A-2, A-3, B; turns 900, 1100, 700 → 900.
      bucket('2026-11-02T00:00:00.000Z', '2026-11-03T00:00:00.000Z', { attempts: 4, completed: 2, failed: 2, retries: 2, calls: 2, successRate: 1, totalDurationSec: 185, meanDurationSec: 92.5, meanVoiceToVoiceMs: 900 }),
      // C, D, D-2
      bucket('2026-11-03T00:00:00.000Z', '2026-11-04T00:00:00.000Z', { attempts: 3, failed: 2, voicemail: 1, retries: 1, calls: 2, totalDurationSec: 28, meanDurationSec: 9.33 }),
      // E, F, G, H
      bucket('2026-11-04T00:00:00.000Z', '2026-11-05T00:00:00.000Z', { attempts: 4, failed: 1, calls: 4 }),
    ]);
  });

  it('buckets by hour, whole hours around the period, empty hours with zeros', async () => {
    const body = await get('trends', { from: '2026-11-02T08:30:00Z', to: '2026-11-02T10:30:00Z' });
    expect(body.bucket).toBe('hour');
    expect(body.buckets).toEqual([
      bucket('2026-11-02T08:00:00.000Z', '2026-11-02T09:00:00.000Z'),
      // A, A-2, A-3; turns 900, 1100.
      bucket('2026-11-02T09:00:00.000Z', '2026-11-02T10:00:00.000Z', { attempts: 3, completed: 1, failed: 2, retries: 2, calls: 1, successRate: 1, totalDurationSec: 125, meanDurationSec: 125, meanVoiceToVoiceMs: 1000 }),
      bucket('2026-11-02T10:00:00.000Z', '2026-11-02T11:00:00.000Z'),
    ]);
  });

  it('buckets by week from Monday, with the agent filter', async () => {
    const all = await get('trends', { from: '2026-11-01T00:00:00Z', to: '2026-11-10T00:00:00Z', bucket: 'week' });
    expect(all.buckets).toEqual([
      // X on Sunday 11-01 belongs to the week of Monday 10-26.
      bucket('2026-10-26T00:00:00.000Z', '2026-11-02T00:00:00.000Z', { attempts: 1, completed: 1, calls: 1, successRate: 1, totalDurationSec: 30, meanDurationSec: 30, meanVoiceToVoiceMs: 9000 }),
      // P's eleven attempts and Y.
      bucket('2026-11-02T00:00:00.000Z', '2026-11-09T00:00:00.000Z', { attempts: 12, completed: 2, failed: 5, voicemail: 1, retries: 3, calls: 9, successRate: 0.4, totalDurationSec: 213, meanDurationSec: 42.6, meanVoiceToVoiceMs: 900 }),
      bucket('2026-11-09T00:00:00.000Z', '2026-11-16T00:00:00.000Z'),
    ]);

    const agentB = await get('trends', { from: '2026-11-01T00:00:00Z', to: '2026-11-10T00:00:00Z', bucket: 'week', agentId: 'agent_b' });
    expect(agentB.buckets).toEqual([
      bucket('2026-10-26T00:00:00.000Z', '2026-11-02T00:00:00.000Z'),
      // D, D-2, E, F, H
      bucket('2026-11-02T00:00:00.000Z', '2026-11-09T00:00:00.000Z', { attempts: 5, failed: 3, retries: 1, calls: 4, totalDurationSec: 8, meanDurationSec: 4 }),
      bucket('2026-11-09T00:00:00.000Z', '2026-11-16T00:00:00.000Z'),
    ]);
  });

  it('lists the empty period\'s buckets with zeros', async () => {
    const body = await get('trends', EMPTY);
    expect(body.buckets).toEqual([
      bucket('2026-10-01T00:00:00.000Z', '2026-10-01T01:00:00.000Z'),
      bucket('2026-10-01T01:00:00.000Z', '2026-10-01T02:00:00.000Z'),
      bucket('2026-10-01T02:00:00.000Z', '2026-10-01T03:00:00.000Z'),
    ]);
  });
});

describe('GET /analytics/dashboard', () => {
  it('sums up P beside today and the live calls', async () => {
    const body = await get('dashboard', P);
    const todayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    expect(body).toEqual({
      filter: { from: '2026-11-02T00:00:00.000Z', to: '2026-11-05T00:00:00.000Z', agentId: null, campaignId: null },
      // T and T2
      today: { from: todayStart.toISOString(), to: new Date(todayStart.getTime() + 86_400_000).toISOString(), calls: 2, completed: 1, attempts: 2 },
      period: { calls: 8, finished: 5, completed: 2, successRate: 0.4, attempts: 11 },
      // F, H, Y and T2, whatever their period.
      live: 4,
      voiceToVoiceMs: { samples: 3, p50: 900, p95: 1100 },
      cost: { currency: 'INR', total: 6.8247, perCallAverage: 0.8531 },
    });
  });

  it('narrows by agent', async () => {
    expect(await get('dashboard', { ...P, agentId: 'agent_b' })).toMatchObject({
      today: { calls: 1, completed: 0, attempts: 1 },
      period: { calls: 4, finished: 1, completed: 0, successRate: 0, attempts: 5 },
      live: 3,
      voiceToVoiceMs: { samples: 0, p50: null, p95: null },
      cost: { currency: 'INR', total: 1.736, perCallAverage: 0.434 },
    });
    expect(await get('dashboard', { ...P, agentId: 'agent_a' })).toMatchObject({ today: { calls: 1, completed: 1, attempts: 1 }, live: 1 });
  });

  it('reports an empty period as zeros', async () => {
    expect(await get('dashboard', EMPTY)).toMatchObject({
      period: { calls: 0, finished: 0, completed: 0, successRate: 0, attempts: 0 },
      voiceToVoiceMs: { samples: 0, p50: null, p95: null },
      cost: { currency: 'INR', total: 0, perCallAverage: 0 },
    });
  });
});

describe('GET /stats', () => {
  const stats = async (query: Record<string, string>, key = adminKey) => {
    const res = await request.agent(app).set('Authorization', `Bearer ${key}`).get('/api/v1/stats').query(query);
    expect(res.status).toBe(200);
    return res.body;
  };
  const noSamples = { samples: 0, p50: null, p95: null, p99: null };

  it('sums up P\'s outbound calls, greeting cache, retries and latency percentiles', async () => {
    expect(await stats(P)).toEqual({
      filter: { from: '2026-11-02T00:00:00.000Z', to: '2026-11-05T00:00:00.000Z', agentId: null, campaignId: null },
      // As GET /analytics/calls: 8 logical calls, 5 finished (A, B completed; C, D, G), 11 attempts.
      outboundCalls: {
        total: 8,
        finished: 5,
        completed: 2,
        successRate: 0.4,
        byOutcome: { completed: 2, voicemail: 1, failed: 1, retry_scheduled: 1, in_progress: 1, cancelled: 1, scheduled: 1 },
        attempts: 11,
      },
      // Greetings played: A-3 miss, B prewarmed hit, C miss, D hit, F prewarmed hit → 3 / 5 and 2 / 5.
      greetingCache: { greetingsPlayed: 5, cacheHits: 3, prewarmedHits: 2, hitRate: 0.6, prewarmedHitRate: 0.4 },
      // As GET /analytics/retry: A and D retried of 5 finished; A completed after its retries.
      retries: { retriesScheduled: 4, retriedCalls: 2, retryRate: 0.4, successAfterRetryRate: 0.5, byReason: { no_answer: 2, busy: 1, connection_lost: 1 } },
      latency: {
        // 700, 900, 1100: p50 the 2nd; p95 and p99 the 3rd.
        voiceToVoiceMs: { samples: 3, p50: 900, p95: 1100, p99: 1100 },
        // 100, 150, 200, 300
        sttFinalMs: { samples: 4, p50: 150, p95: 300, p99: 300 },
        // 300, 350, 400, 500
        llmFirstTokenMs: { samples: 4, p50: 350, p95: 500, p99: 500 },
        // 120, 150, 250
        ttsFirstByteMs: { samples: 3, p50: 150, p95: 250, p99: 250 },
        // 4, 5, 6, 180, 220: p50 the 3rd.
        greetingFirstFrameMs: { samples: 5, p50: 6, p95: 220, p99: 220 },
      },
    });
  });

  it('narrows by agent', async () => {
    // agent_b: D (failed after 2 attempts), E (waits for its retry), F (in progress), H (scheduled).
    expect(await stats({ ...P, agentId: 'agent_b' })).toMatchObject({
      filter: { agentId: 'agent_b' },
      outboundCalls: { total: 4, finished: 1, completed: 0, successRate: 0, byOutcome: { failed: 1, retry_scheduled: 1, in_progress: 1, scheduled: 1 }, attempts: 5 },
      // D hit, F prewarmed hit.
      greetingCache: { greetingsPlayed: 2, cacheHits: 2, prewarmedHits: 1, hitRate: 1, prewarmedHitRate: 0.5 },
      retries: { retriesScheduled: 2, retriedCalls: 1, retryRate: 1, successAfterRetryRate: 0, byReason: { connection_lost: 1, no_answer: 1 } },
      latency: {
        voiceToVoiceMs: noSamples,
        sttFinalMs: { samples: 1, p50: 150, p95: 150, p99: 150 },
        llmFirstTokenMs: { samples: 1, p50: 350, p95: 350, p99: 350 },
        ttsFirstByteMs: noSamples,
        greetingFirstFrameMs: { samples: 2, p50: 5, p95: 6, p99: 6 },
      },
    });
  });

  it('reports an empty period as zeros, with no percentile for no samples', async () => {
    expect(await stats(EMPTY)).toMatchObject({
      outboundCalls: { total: 0, finished: 0, completed: 0, successRate: 0, byOutcome: {}, attempts: 0 },
      greetingCache: { greetingsPlayed: 0, cacheHits: 0, prewarmedHits: 0, hitRate: 0, prewarmedHitRate: 0 },
      retries: { retriesScheduled: 0, retriedCalls: 0, retryRate: 0, successAfterRetryRate: 0, byReason: {} },
      latency: { voiceToVoiceMs: noSamples, sttFinalMs: noSamples, llmFirstTokenMs: noSamples, ttsFirstByteMs: noSamples, greetingFirstFrameMs: noSamples },
    });
  });

  it('shows another organization none of these calls', async () => {
    const otherKey = (await createApiKey({ role: 'admin', orgId: 'org_other' }, config.API_KEY_PEPPER)).key;
    const body = await stats(P, otherKey);
    expect(body.outboundCalls).toMatchObject({ total: 0, attempts: 0 });
    expect(body.greetingCache.greetingsPlayed).toBe(0);
    expect(body.retries.retriesScheduled).toBe(0);
    expect(body.latency.voiceToVoiceMs.samples).toBe(0);
  });

  it('refuses a period that runs backwards with 400', async () => {
    const res = await authed(app).get('/api/v1/stats').query({ from: '2026-11-05T00:00:00Z', to: '2026-11-02T00:00:00Z' });
    expect([res.status, res.body.error.code, res.body.error.details[0].path]).toEqual([400, 'VALIDATION_ERROR', ['from']]);
  });
});

describe('bad queries', () => {
  it.each<[string, string, Record<string, string>, string]>([
    ['from after to', 'calls', { from: '2026-11-05T00:00:00Z', to: '2026-11-02T00:00:00Z' }, 'from'],
    ['from after to, on the dashboard', 'dashboard', { from: '2026-11-05T00:00:00Z', to: '2026-11-02T00:00:00Z' }, 'from'],
    ['not an instant', 'cost', { from: 'last week' }, 'from'],
    ['a bad agent id', 'retry', { agentId: 'agent a' }, 'agentId'],
    ['an unknown bucket', 'trends', { bucket: 'minute' }, 'bucket'],
    ['too many buckets', 'trends', { from: '2026-01-01T00:00:00Z', to: '2026-11-01T00:00:00Z', bucket: 'hour' }, 'bucket'],
    ['from after to, on trends', 'trends', { from: '2026-11-05T00:00:00Z', to: '2026-11-02T00:00:00Z' }, 'from'],
  ])('refuses %s with 400', async (_name, report, query, path) => {
    const res = await authed(app).get(`/api/v1/analytics/${report}`).query(query);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.details[0].path).toEqual([path]);
  });

  it('answers 404 for an unknown report', async () => {
    const res = await authed(app).get('/api/v1/analytics/everything');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});
