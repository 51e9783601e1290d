import { Agent } from '../../db/models/agent';
import { CallLog } from '../../db/models/call-log';
import { isInsideWindow } from '../../domain/daily-window';
import { startApiHarness, type ApiHarness } from './api-harness';

let harness: ApiHarness;

beforeAll(async () => {
  harness = await startApiHarness('calling_policy', {
    config: {
      LEGAL_CALLING_WINDOW_START: '09:00',
      LEGAL_CALLING_WINDOW_END: '21:00',
      CALLING_ALLOWED_COUNTRIES: 'IN,US',
      CALLING_MAX_CALL_DURATION_SEC: '1800',
    },
  });
  await Agent.create({ _id: 'agent_policy', name: 'Policy', prompt: 'Remind.', greeting: 'Hello!', maxCallDurationSec: 420 });
});

afterAll(async () => {
  await harness?.close();
});

const call = (overrides: Record<string, unknown>) =>
  harness.api.post('/api/v1/calls/outbound/schedule').send({ phoneNumber: '+919812345678', agentId: 'agent_policy', ...overrides });

describe('calling policy on the API', () => {
  it.each([
    ['a premium-rate number', { phoneNumber: '+19005551234' }, 'NUMBER_TYPE_NOT_ALLOWED'],
    ['a country outside the allow-list', { phoneNumber: '+61412345678' }, 'DESTINATION_COUNTRY_NOT_ALLOWED'],
  ])('refuses %s with 400 and writes nothing', async (_case, overrides, code) => {
    const before = await CallLog.countDocuments({});
    const res = await call({ ...overrides, scheduledFor: new Date(Date.now() + 3_600_000).toISOString() });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(await CallLog.countDocuments({})).toBe(before);
  });

  it('places an Indian number requested in America/Los_Angeles inside 09:00–21:00 IST, never by Los Angeles hours alone', async () => {
    const res = await call({ timezone: 'America/Los_Angeles', scheduledFor: new Date(Date.now() + 3_600_000).toISOString() });
    expect(res.status).toBe(201);
    const input = (await harness.recorded(res.body.callLogId)).input;
    expect(input.callingWindow?.legalTimezones).toEqual(['Asia/Kolkata', 'America/Los_Angeles']);
    const effectiveAt = Date.parse(res.body.effectiveAt);
    expect(isInsideWindow(effectiveAt, { start: '09:00', end: '21:00', timezone: 'Asia/Kolkata' })).toBe(true);
    expect(isInsideWindow(effectiveAt, { start: '09:00', end: '21:00', timezone: 'America/Los_Angeles' })).toBe(true);
  });

  it('a US number with no zone gets every US zone (the strictest window)', async () => {
    const res = await call({ phoneNumber: '+12025550123', scheduledFor: new Date(Date.now() + 3_600_000).toISOString() });
    expect(res.status).toBe(201);
    const zones = (await harness.recorded(res.body.callLogId)).input.callingWindow?.legalTimezones ?? [];
    expect(zones).toEqual(expect.arrayContaining(['America/New_York', 'America/Los_Angeles', 'Pacific/Honolulu']));
  });

  it.each([
    ['an LLM model outside the allow-list', { llmModel: 'gpt-unlisted' }, 'LLM_MODEL_NOT_ALLOWED'],
    ['a call duration over the organization’s limit', { maxCallDurationSec: 3_600 }, 'CALL_DURATION_OVER_LIMIT'],
  ])('refuses an agent with %s, on create and on update', async (_case, fields, code) => {
    const created = await harness.api.post('/api/v1/agents').send({ id: `agent_bad_${code.toLowerCase()}`, name: 'Bad', prompt: 'x', greeting: 'Hi', ...fields });
    expect(created.status).toBe(400);
    expect(created.body.error.code).toBe(code);
    expect(await Agent.exists({ _id: `agent_bad_${code.toLowerCase()}` })).toBeNull();
    const updated = await harness.api.patch('/api/v1/agents/agent_policy').send(fields);
    expect(updated.status).toBe(400);
    expect(updated.body.error.code).toBe(code);
    expect(await Agent.findById('agent_policy').lean()).toMatchObject({ llmModel: 'gpt-4o-mini', maxCallDurationSec: 420 });
  });
});
