import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';
import { idempotentCallId } from '../../api/identifiers';
import { DEFAULT_ORG_ID } from '../../domain/access-control';
import { Agent } from '../../db/models/agent';
import { CallLog } from '../../db/models/call-log';
import { callWorkflowId } from '../../workflows/messages';
import { gateRoom, startApiHarness, unreachableTemporalClient, type ApiHarness } from './api-harness';

let harness: ApiHarness;
let keyCounter = 0;
const newKey = (label: string) => `${label}-${process.pid}-${Date.now()}-${(keyCounter += 1)}`;

beforeAll(async () => {
  harness = await startApiHarness('outbound_calls');
  await Agent.create([
    { _id: 'agent_reminder', name: 'Reminder', prompt: 'Remind.', greeting: 'Hello!', maxCallDurationSec: 420 },
    { _id: 'agent_retired', name: 'Retired', prompt: 'Old.', greeting: 'Hi.', active: false },
  ]);
});

afterAll(async () => {
  await harness?.close();
});

const body = (overrides: Record<string, unknown> = {}) => ({
  phoneNumber: '+91 98765 43210',
  agentId: 'agent_reminder',
  metadata: { orderId: 'A-17' },
  ...overrides,
});

const post = (payload: unknown, key?: string) => {
  const req = harness.api.post('/api/v1/calls/outbound');
  if (key !== undefined) req.set('Idempotency-Key', key);
  return req.send(payload as object);
};

const search = {
  status: defineSearchAttributeKey('RinglineCallStatus', SearchAttributeType.KEYWORD),
  agentId: defineSearchAttributeKey('RinglineAgentId', SearchAttributeType.KEYWORD),
  last4: defineSearchAttributeKey('RinglinePhoneLast4', SearchAttributeType.KEYWORD),
  attempt: defineSearchAttributeKey('RinglineAttempt', SearchAttributeType.INT),
};

describe('POST /api/v1/calls/outbound', () => {
  it('accepts a call with 202, and the call is readable at once', async () => {
    const res = await post(body({ priority: 'high', retryPolicy: { rules: { busy: { maxRetries: 1 } }, jitter: 0 }, ringTimeoutSec: 25 }));
    expect(res.status).toBe(202);
    const { callLogId } = res.body;
    expect(callLogId).toMatch(/^call_[a-z2-7]{20}$/);
    expect(res.body).toEqual({ callLogId, workflowId: `call-${callLogId}`, status: 'waiting_for_line', statusUrl: `/api/v1/calls/${callLogId}` });

    const read = await harness.api.get(res.body.statusUrl);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      callLogId,
      status: 'waiting_for_line',
      phoneNumber: '+919876543210',
      agentId: 'agent_reminder',
      priority: 'high',
      metadata: { orderId: 'A-17' },
      attempts: [{ attempt: 1, callLogId, status: 'waiting_for_line' }],
    });

    const row = await CallLog.findById(callLogId).lean();
    expect(row).toMatchObject({
      callId: callLogId,
      attempt: 1,
      status: 'waiting_for_line',
      phoneNumber: '+919876543210',
      phoneLast4: '3210',
      workflowId: `call-${callLogId}`,
      priority: 'high',
    });
    expect(row?.timings?.queuedAt).toBeInstanceOf(Date);
    expect(row).not.toHaveProperty('exotelCallSid');

    expect((await harness.recorded(callLogId)).input).toEqual({
      callId: callLogId,
      orgId: DEFAULT_ORG_ID,
      phoneNumber: '+919876543210',
      agentId: 'agent_reminder',
      priority: 'high',
      maxCallDurationSec: 420,
      exotelAccount: harness.config.EXOTEL_ACCOUNT_SID,
      exotelTaskQueue: harness.config.TEMPORAL_EXOTEL_TASK_QUEUE,
      retryPolicy: { rules: { busy: { maxRetries: 1 } }, jitter: 0 },
      metadata: { orderId: 'A-17' },
      ringTimeoutSec: 25,
      callingWindow: { timezone: 'Asia/Kolkata', legalTimezones: ['Asia/Kolkata'], legal: { start: '00:00', end: '24:00' }, business: null, peakHours: null },
      dndCheck: false,
      firstAttemptRow: 'waiting_for_line',
    });
    const described = await harness.client.workflow.getHandle(res.body.workflowId).describe();
    expect(described.taskQueue).toBe(harness.config.TEMPORAL_TASK_QUEUE);
    expect(described.type).toBe('callWorkflow');
    expect(described.typedSearchAttributes.get(search.status)).toBe('waiting_for_line');
    expect(described.typedSearchAttributes.get(search.agentId)).toBe('agent_reminder');
    expect(described.typedSearchAttributes.get(search.last4)).toBe('3210');
    expect(described.typedSearchAttributes.get(search.attempt)).toBe(1);
  });

  it('defaults the priority to medium', async () => {
    const res = await post(body());
    expect(res.status).toBe(202);
    expect((await harness.recorded(res.body.callLogId)).input.priority).toBe('medium');
    expect(await CallLog.findById(res.body.callLogId).lean()).toMatchObject({ priority: 'medium' });
  });

  it("takes the call's own text-to-speech provider into the workflow and the CallLog, and refuses an unknown one", async () => {
    const res = await post(body({ ttsProvider: 'elevenlabs' }));
    expect(res.status).toBe(202);
    expect((await harness.recorded(res.body.callLogId)).input.ttsProvider).toBe('elevenlabs');
    expect(await CallLog.findById(res.body.callLogId).lean()).toMatchObject({ ttsProvider: 'elevenlabs' });
    const plain = await post(body());
    expect((await harness.recorded(plain.body.callLogId)).input.ttsProvider).toBeUndefined();
    expect((await CallLog.findById(plain.body.callLogId).lean())?.ttsProvider ?? null).toBeNull();
    const refused = await post(body({ ttsProvider: 'polly' }));
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('accepts a call scheduled for later as scheduled', async () => {
    const scheduledFor = new Date(Date.now() + 3_600_000).toISOString();
    const res = await post(body({ scheduledFor }));
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('scheduled');
    expect((await harness.recorded(res.body.callLogId)).input.scheduledFor).toBe(scheduledFor);
    expect(await CallLog.findById(res.body.callLogId).lean()).toMatchObject({ status: 'scheduled' });
    const described = await harness.client.workflow.getHandle(res.body.workflowId).describe();
    expect(described.typedSearchAttributes.get(search.status)).toBe('scheduled');
  });

  describe('with an Idempotency-Key', () => {
    it('derives the call id from the key and answers a repeat with the same call', async () => {
      const key = newKey('repeat');
      const first = await post(body(), key);
      expect(first.status).toBe(202);
      expect(first.body.callLogId).toBe(idempotentCallId(DEFAULT_ORG_ID, key));
      expect(first.body).not.toHaveProperty('idempotentReplay');
      const runId = (await harness.client.workflow.getHandle(first.body.workflowId).describe()).runId;

      const second = await post(body({ phoneNumber: '9876543210' }), key);
      expect(second.status).toBe(202);
      expect(second.body).toEqual({ ...first.body, idempotentReplay: true });
      expect((await harness.client.workflow.getHandle(first.body.workflowId).describe()).runId).toBe(runId);
      expect(await CallLog.countDocuments({ callId: first.body.callLogId })).toBe(1);
    });

    it('still answers with the same call, and starts none, after the call finished', async () => {
      const key = newKey('finished');
      const first = await post(body(), key);
      const { callLogId, workflowId } = first.body;
      const runId = (await harness.client.workflow.getHandle(workflowId).describe()).runId;
      await harness.finishCall(callLogId);
      await CallLog.updateOne({ _id: callLogId }, { $set: { status: 'completed' } });

      const again = await post(body(), key);
      expect(again.status).toBe(202);
      expect(again.body).toEqual({ callLogId, workflowId, status: 'completed', statusUrl: `/api/v1/calls/${callLogId}`, idempotentReplay: true });
      const described = await harness.client.workflow.getHandle(workflowId).describe();
      expect(described.runId).toBe(runId);
      expect(described.status.name).toBe('COMPLETED');
    });

    it('answers 409 IDEMPOTENCY_KEY_REUSED for the same key with another body, running or finished', async () => {
      const key = newKey('reused');
      const first = await post(body(), key);
      expect(first.status).toBe(202);
      for (const changed of [body({ priority: 'low' }), body({ metadata: { orderId: 'B-2' } }), body({ ringTimeoutSec: 40 })]) {
        const res = await post(changed, key);
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
      }
      await harness.finishCall(first.body.callLogId);
      const late = await post(body({ phoneNumber: '+919812345678' }), key);
      expect(late.status).toBe(409);
      expect(await CallLog.findById(first.body.callLogId).lean()).toMatchObject({ phoneNumber: '+919876543210', priority: 'medium' });
    });

    it('turns concurrent repeats into one call', async () => {
      const key = newKey('concurrent');
      const answers = await Promise.all([post(body(), key), post(body(), key), post(body(), key)]);
      expect(answers.map((res) => res.status)).toEqual([202, 202, 202]);
      expect(new Set(answers.map((res) => res.body.callLogId))).toEqual(new Set([idempotentCallId(DEFAULT_ORG_ID, key)]));
      expect(answers.filter((res) => !res.body.idempotentReplay)).toHaveLength(1);
      expect(await CallLog.countDocuments({ callId: idempotentCallId(DEFAULT_ORG_ID, key) })).toBe(1);
    });

    it('lets only one of two concurrent different requests with one key through', async () => {
      const key = newKey('race');
      const answers = await Promise.all([post(body(), key), post(body({ phoneNumber: '+919812345678' }), key)]);
      expect(answers.map((res) => res.status).sort()).toEqual([202, 409]);
      const winner = answers.find((res) => res.status === 202);
      const input = (await harness.recorded(idempotentCallId(DEFAULT_ORG_ID, key))).input;
      expect((await CallLog.findById(idempotentCallId(DEFAULT_ORG_ID, key)).lean())?.phoneNumber).toBe(input.phoneNumber);
      expect(winner?.body.callLogId).toBe(idempotentCallId(DEFAULT_ORG_ID, key));
    });

    it.each([
      ['longer than 255 characters', 'k'.repeat(256)],
      ['empty', ''],
      ['with a non-ASCII character', 'clé-1'],
    ])('refuses a key %s', async (_case, key) => {
      const before = await CallLog.countDocuments();
      const res = await harness.api.post('/api/v1/calls/outbound').set('Idempotency-Key', key).send(body());
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_IDEMPOTENCY_KEY');
      expect(await CallLog.countDocuments()).toBe(before);
    });
  });

  describe('refuses a bad request without writing a row or starting a workflow', () => {
    it.each([
      ['a missing phone number', { agentId: 'agent_reminder' }, 400, 'VALIDATION_ERROR'],
      ['a phone number that is not a number', body({ phoneNumber: 'not a number' }), 400, 'INVALID_PHONE_NUMBER'],
      ['a phone number that is too short', body({ phoneNumber: '12345' }), 400, 'INVALID_PHONE_NUMBER'],
      ['an unknown agent', body({ agentId: 'agent_nobody' }), 404, 'AGENT_NOT_FOUND'],
      ['an inactive agent', body({ agentId: 'agent_retired' }), 422, 'AGENT_INACTIVE'],
      ['an unknown priority', body({ priority: 'urgent' }), 400, 'VALIDATION_ERROR'],
      ['too many retries', body({ retryPolicy: { rules: { busy: { maxRetries: 11 } } } }), 400, 'VALIDATION_ERROR'],
      ['a negative retry delay', body({ retryPolicy: { rules: { no_answer: { initialDelayMs: -1 } } } }), 400, 'VALIDATION_ERROR'],
      ['a retry rule for an unknown reason', body({ retryPolicy: { rules: { sleepy: { maxRetries: 1 } } } }), 400, 'VALIDATION_ERROR'],
      ['retrying a cancelled call', body({ retryPolicy: { rules: { cancelled: { maxRetries: 1 } } } }), 400, 'VALIDATION_ERROR'],
      ['jitter above 1', body({ retryPolicy: { jitter: 1.5 } }), 400, 'VALIDATION_ERROR'],
      ['a scheduled time in the past', body({ scheduledFor: new Date(Date.now() - 60_000).toISOString() }), 400, 'SCHEDULED_TIME_IN_PAST'],
      ['a scheduled time that is not ISO 8601', body({ scheduledFor: 'tomorrow at 10' }), 400, 'VALIDATION_ERROR'],
      ['oversized metadata', body({ metadata: { notes: 'x'.repeat(9_000) } }), 400, 'VALIDATION_ERROR'],
      ['metadata keys MongoDB cannot store', body({ metadata: { nested: { $where: 1 } } }), 400, 'VALIDATION_ERROR'],
      ['metadata that is not an object', body({ metadata: ['a'] }), 400, 'VALIDATION_ERROR'],
      ['a ring timeout out of range', body({ ringTimeoutSec: 600 }), 400, 'VALIDATION_ERROR'],
      ['an unknown field', body({ campaign: 'x' }), 400, 'VALIDATION_ERROR'],
    ])('%s', async (_case, payload, status, code) => {
      const key = newKey('bad');
      const before = await CallLog.countDocuments();
      const res = await post(payload, key);
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message).toEqual(expect.any(String));
      expect(await CallLog.countDocuments()).toBe(before);
      expect(await CallLog.findById(idempotentCallId(DEFAULT_ORG_ID, key)).lean()).toBeNull();
      expect(await harness.workflowExists(callWorkflowId(idempotentCallId(DEFAULT_ORG_ID, key)))).toBe(false);
    });

    it('a body that is not an object', async () => {
      const res = await harness.api.post('/api/v1/calls/outbound').set('content-type', 'application/json').send('"call me"');
      expect(res.status).toBe(400);
    });
  });

  describe('when too many calls wait for a line', () => {
    it('answers 429 CONCURRENT_LIMIT_REACHED and accepts again once the queue shrinks', async () => {
      const account = `acct-full-${process.pid}-${Date.now()}`;
      const app = harness.makeApp({ config: { EXOTEL_ACCOUNT_SID: account, MAX_WAITING_CALLS: '3' } });
      const stopGate = await harness.startLineGate(gateRoom({ waiting: { high: 1, medium: 2, low: 0 }, waitingTotal: 3 }), account);
      const key = newKey('full');
      const res = await harness.authed(app).post('/api/v1/calls/outbound').set('Idempotency-Key', key).send(body());
      expect(res.status).toBe(429);
      expect(res.body.error).toMatchObject({ code: 'CONCURRENT_LIMIT_REACHED', details: { waitingTotal: 3, maxWaitingCalls: 3 } });
      expect(await CallLog.findById(idempotentCallId(DEFAULT_ORG_ID, key)).lean()).toBeNull();
      expect(await harness.workflowExists(callWorkflowId(idempotentCallId(DEFAULT_ORG_ID, key)))).toBe(false);

      const scheduled = await harness.authed(app).post('/api/v1/calls/outbound').send(body({ scheduledFor: new Date(Date.now() + 3_600_000).toISOString() }));
      expect(scheduled.status).toBe(202);

      await stopGate();
      const roomy = await harness.startLineGate(gateRoom({ waiting: { high: 0, medium: 2, low: 0 }, waitingTotal: 2 }), account);
      const accepted = await harness.authed(app).post('/api/v1/calls/outbound').set('Idempotency-Key', key).send(body());
      expect(accepted.status).toBe(202);
      await roomy();
    });
  });
  describe('when Temporal fails the start', () => {
    it('answers 503 when Temporal does not answer, and a retry with the key places the call', async () => {
      const key = newKey('outage');
      const down = harness.makeApp({ client: await unreachableTemporalClient(), timeouts: { writeMs: 500, queryMs: 300 } });
      const failed = await harness.authed(down).post('/api/v1/calls/outbound').set('Idempotency-Key', key).send(body());
      expect(failed.status).toBe(503);
      expect(failed.body.error.code).toBe('TEMPORAL_UNAVAILABLE');
      expect(await harness.workflowExists(callWorkflowId(idempotentCallId(DEFAULT_ORG_ID, key)))).toBe(false);
      expect(await CallLog.findById(idempotentCallId(DEFAULT_ORG_ID, key)).lean()).toBeNull();

      const retried = await post(body(), key);
      expect(retried.status).toBe(202);
      expect(retried.body.callLogId).toBe(idempotentCallId(DEFAULT_ORG_ID, key));
      expect((await harness.recorded(idempotentCallId(DEFAULT_ORG_ID, key))).input.phoneNumber).toBe('+919876543210');
      expect(await CallLog.countDocuments({ callId: idempotentCallId(DEFAULT_ORG_ID, key) })).toBe(1);
    });

    it('removes the row it wrote when Temporal refuses the start outright', async () => {
      const key = newKey('refused');
      const misconfigured = harness.makeApp({ config: { TEMPORAL_TASK_QUEUE: '/_sys/reserved' } });
      const res = await harness.authed(misconfigured).post('/api/v1/calls/outbound').set('Idempotency-Key', key).send(body());
      expect(res.status).toBe(500);
      expect(res.body.error.code).toBe('INTERNAL_ERROR');
      expect(await CallLog.findById(idempotentCallId(DEFAULT_ORG_ID, key)).lean()).toBeNull();
      expect(await harness.workflowExists(callWorkflowId(idempotentCallId(DEFAULT_ORG_ID, key)))).toBe(false);
    });
  });
});

describe('GET /api/v1/calls/:callLogId', () => {
  it('answers 404 CALL_NOT_FOUND for an unknown call', async () => {
    const res = await harness.api.get('/api/v1/calls/call_doesnotexist');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('CALL_NOT_FOUND');
  });

  it('shows every attempt, the latest transcript and the live phase while the workflow runs', async () => {
    const { body: accepted } = await post(body());
    const callId: string = accepted.callLogId;
    const at = new Date('2026-11-23T10:00:00Z');
    await CallLog.updateOne(
      { _id: callId },
      { $set: { status: 'failed', failureReason: 'busy', outboundStatus: 'busy', exotelCallSid: `sid-${callId}-1`, transcript: [{ turn: 1, speaker: 'bot', text: 'old', startedAt: at }] } },
    );
    await CallLog.create({
      _id: `${callId}-2`,
      callId,
      attempt: 2,
      retryOf: callId,
      phoneNumber: '+919876543210',
      phoneLast4: '3210',
      agentId: 'agent_reminder',
      status: 'in_progress',
      workflowId: accepted.workflowId,
      exotelCallSid: `sid-${callId}-2`,
      recordingUrl: 'https://recordings.example/2.mp3',
      timings: { answeredAt: at },
      transcript: [{ turn: 1, speaker: 'bot', text: 'Hello!', startedAt: at }, { turn: 2, speaker: 'caller', text: 'Hi', startedAt: at }],
    });
    await harness.setCallState(callId, { phase: 'in_progress', attempt: 2, callSid: `sid-${callId}-2` });

    const res = await harness.api.get(`/api/v1/calls/${callId}`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('in_progress');
    expect(res.body.live).toMatchObject({ callId, phase: 'in_progress', attempt: 2 });
    expect(res.body.attempts).toEqual([
      expect.objectContaining({ attempt: 1, callLogId: callId, status: 'failed', failureReason: 'busy', outboundStatus: 'busy', exotelCallSid: `sid-${callId}-1` }),
      expect.objectContaining({ attempt: 2, callLogId: `${callId}-2`, status: 'in_progress', exotelCallSid: `sid-${callId}-2`, recordingUrl: 'https://recordings.example/2.mp3', timings: { answeredAt: at.toISOString() } }),
    ]);
    expect(res.body.transcript.map((turn: { text: string }) => turn.text)).toEqual(['Hello!', 'Hi']);
    expect(res.body.phoneNumber).toBe('+919876543210');

    const byRetryId = await harness.api.get(`/api/v1/calls/${callId}-2`);
    expect(byRetryId.body.callLogId).toBe(callId);

    await harness.finishCall(callId);
    await CallLog.updateOne({ _id: `${callId}-2` }, { $set: { status: 'completed' } });
    const finished = await harness.api.get(`/api/v1/calls/${callId}`);
    expect(finished.body).toMatchObject({ status: 'completed', live: null });
  });

  it('answers from the database when Temporal does not answer', async () => {
    const { body: accepted } = await post(body());
    const app = harness.makeApp({ client: await unreachableTemporalClient(), timeouts: { queryMs: 300 } });
    const started = Date.now();
    const res = await harness.authed(app).get(`/api/v1/calls/${accepted.callLogId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ callLogId: accepted.callLogId, status: 'waiting_for_line', live: null });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('POST /api/v1/calls/:callLogId/cancel', () => {
  it('signals the workflow, then answers 409 once the call has finished', async () => {
    const { body: accepted } = await post(body());
    const res = await harness.api.post(`/api/v1/calls/${accepted.callLogId}/cancel`).send({ reason: 'customer asked' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ callLogId: accepted.callLogId, cancelRequested: true });
    expect((await harness.recorded(accepted.callLogId)).cancel).toEqual([{ reason: 'customer asked' }]);

    const bare = await harness.api.post(`/api/v1/calls/${accepted.callLogId}/cancel`);
    expect(bare.status).toBe(202);
    expect((await harness.recorded(accepted.callLogId)).cancel).toEqual([{ reason: 'customer asked' }, {}]);

    await harness.finishCall(accepted.callLogId);
    const late = await harness.api.post(`/api/v1/calls/${accepted.callLogId}/cancel`).send({});
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('CALL_ALREADY_FINISHED');
  });

  it('answers 404 for an unknown call and 400 for a bad body', async () => {
    const unknown = await harness.api.post('/api/v1/calls/call_doesnotexist/cancel').send({});
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('CALL_NOT_FOUND');
    const { body: accepted } = await post(body());
    const bad = await harness.api.post(`/api/v1/calls/${accepted.callLogId}/cancel`).send({ reason: 42 });
    expect(bad.status).toBe(400);
    expect((await harness.recorded(accepted.callLogId)).cancel).toEqual([]);
  });

  it('answers 503 when Temporal does not take the signal', async () => {
    const { body: accepted } = await post(body());
    const app = harness.makeApp({ client: await unreachableTemporalClient(), timeouts: { writeMs: 500 } });
    const res = await harness.authed(app).post(`/api/v1/calls/${accepted.callLogId}/cancel`).send({});
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('TEMPORAL_UNAVAILABLE');
  });
});
