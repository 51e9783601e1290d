import { Agent } from '../../db/models/agent';
import { startApiHarness, type ApiHarness } from './api-harness';

let harness: ApiHarness;

beforeAll(async () => {
  harness = await startApiHarness('agents', { worker: false });
});

afterAll(async () => {
  await harness?.close();
});

const minimal = { name: 'Reminder bot', prompt: 'You remind customers of appointments.', greeting: 'Hello! This is a reminder.' };

const full = {
  id: 'agent_full',
  ...minimal,
  description: 'Calls the day before',
  language: 'hi-IN',
  noResponsePrompt: 'Are you still there?',
  goodbyeMessage: 'Goodbye!',
  voicemailMessage: 'Please call us back.',
  callbackNumber: '+918045678901',
  companyName: 'Acme Finance',
  voice: 'aura-2-andromeda-en',
  llmModel: 'gpt-4o',
  maxCallDurationSec: 300,
  noResponseTimeoutSec: 8,
  noResponseHangupSec: 4,
  voicemailDetection: false,
  endPhrases: ['bye now'],
};

describe('POST /api/v1/agents', () => {
  it('creates an agent with a generated id and the model defaults', async () => {
    const res = await harness.api.post('/api/v1/agents').send(minimal);
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^agent_[a-z2-7]{16}$/);
    expect(res.body).toMatchObject({ ...minimal, active: true, maxCallDurationSec: 600, voicemailDetection: true, language: 'en-IN', voicemailMessage: '', callbackNumber: null, companyName: '' });
    expect(res.body).not.toHaveProperty('_id');
    expect(res.body).not.toHaveProperty('__v');
    expect(await Agent.findById(res.body.id).lean()).toMatchObject(minimal);
  });

  it('stores every outbound setting it is given, under the id it is given', async () => {
    const res = await harness.api.post('/api/v1/agents').send(full);
    expect(res.status).toBe(201);
    const { id, ...fields } = full;
    expect(res.body).toMatchObject({ id, ...fields });
    expect(await Agent.findById(id).lean()).toMatchObject(fields);
  });

  it('refuses a second agent with the same id', async () => {
    const res = await harness.api.post('/api/v1/agents').send(full);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('AGENT_ALREADY_EXISTS');
  });

  it.each([
    ['a missing prompt', { name: 'x', greeting: 'hi' }, 'prompt'],
    ['an empty greeting', { ...minimal, greeting: '   ' }, 'greeting'],
    ['a call limit under 10 s', { ...minimal, maxCallDurationSec: 9 }, 'maxCallDurationSec'],
    ['a call limit over Exotel\'s 14400 s', { ...minimal, maxCallDurationSec: 14_401 }, 'maxCallDurationSec'],
    ['a fractional call limit', { ...minimal, maxCallDurationSec: 60.5 }, 'maxCallDurationSec'],
    ['a zero no-response timeout', { ...minimal, noResponseTimeoutSec: 0 }, 'noResponseTimeoutSec'],
    ['a non-boolean voicemail switch', { ...minimal, voicemailDetection: 'yes' }, 'voicemailDetection'],
    ['end phrases that are not strings', { ...minimal, endPhrases: [1] }, 'endPhrases.0'],
    ['a language that is not a tag', { ...minimal, language: 'English' }, 'language'],
    ['an id with a slash', { ...minimal, id: 'a/b' }, 'id'],
    ['an unknown field', { ...minimal, temperature: 0.2 }, ''],
  ])('refuses %s with a 400 naming the field', async (_case, body, field) => {
    const before = await Agent.countDocuments();
    const res = await harness.api.post('/api/v1/agents').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect((res.body.error.details as { path: string[] }[]).map((issue) => issue.path.join('.'))).toContain(field);
    expect(await Agent.countDocuments()).toBe(before);
  });

  it('refuses a body that is not JSON', async () => {
    const res = await harness.api.post('/api/v1/agents').set('content-type', 'application/json').send('{"name":');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('MALFORMED_BODY');
  });
});

describe('the callback number and company of the voicemail message', () => {
  it.each([
    // as written (DEFAULT_COUNTRY is IN), as stored
    ['98450 12345', '+919845012345'],
    ['080 4567 8901', '+918045678901'],
    ['+91-98450-12345', '+919845012345'],
    ['1800 123 4567', '+9118001234567'],
  ])('stores %s as %s', async (written, e164) => {
    const res = await harness.api.post('/api/v1/agents').send({ ...minimal, callbackNumber: written, companyName: '  Acme Finance ' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ callbackNumber: e164, companyName: 'Acme Finance' });
    expect(await Agent.findById(res.body.id).lean()).toMatchObject({ callbackNumber: e164, companyName: 'Acme Finance' });
  });

  it.each([
    ['letters', 'call us', 'not_a_number'],
    ['too few digits', '12345', 'too_short'],
    ['a number with an impossible prefix', '+91 55555 55555', 'invalid'],
  ])('refuses %s with 400 INVALID_PHONE_NUMBER and creates nothing', async (_case, callbackNumber, reason) => {
    const before = await Agent.countDocuments();
    const res = await harness.api.post('/api/v1/agents').send({ ...minimal, callbackNumber });
    expect([res.status, res.body.error.code, res.body.error.details]).toEqual([400, 'INVALID_PHONE_NUMBER', { field: 'callbackNumber', reason }]);
    expect(await Agent.countDocuments()).toBe(before);
  });

  it('refuses a company name over 200 characters, or a callback number that is not a string', async () => {
    for (const body of [{ ...minimal, companyName: 'x'.repeat(201) }, { ...minimal, callbackNumber: 9845012345 }]) {
      const res = await harness.api.post('/api/v1/agents').send(body);
      expect([res.status, res.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
    }
  });

  it('normalizes a PATCHed number, refuses a bad one without changing the agent, and clears it with null', async () => {
    const id = (await harness.api.post('/api/v1/agents').send(minimal).expect(201)).body.id as string;
    const set = await harness.api.patch(`/api/v1/agents/${id}`).send({ callbackNumber: '98450 12345' });
    expect([set.status, set.body.callbackNumber]).toEqual([200, '+919845012345']);
    const refused = await harness.api.patch(`/api/v1/agents/${id}`).send({ callbackNumber: '12345', companyName: 'Changed' });
    expect([refused.status, refused.body.error.code]).toEqual([400, 'INVALID_PHONE_NUMBER']);
    expect(await Agent.findById(id).lean()).toMatchObject({ callbackNumber: '+919845012345', companyName: '' });
    const cleared = await harness.api.patch(`/api/v1/agents/${id}`).send({ callbackNumber: null });
    expect([cleared.status, cleared.body.callbackNumber]).toEqual([200, null]);
  });
});

describe('GET /api/v1/agents', () => {
  beforeAll(async () => {
    for (let i = 0; i < 5; i += 1) {
      await harness.api.post('/api/v1/agents').send({ ...minimal, id: `agent_page_${i}`, name: `Pager ${i}` }).expect(201);
    }
    await harness.api.delete('/api/v1/agents/agent_page_0').expect(200);
  });

  it('pages through agents, newest first, with the total', async () => {
    const total = await Agent.countDocuments();
    const first = await harness.api.get('/api/v1/agents?limit=2&page=1');
    const second = await harness.api.get('/api/v1/agents?limit=2&page=2');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ page: 1, limit: 2, total });
    expect(first.body.data).toHaveLength(2);
    expect(first.body.data[0].id).toBe('agent_page_4');
    expect(second.body.data[0].id).toBe('agent_page_2');
    const seen = new Set([...first.body.data, ...second.body.data].map((agent: { id: string }) => agent.id));
    expect(seen.size).toBe(4);
  });

  it('filters by active', async () => {
    const inactive = await harness.api.get('/api/v1/agents?active=false&limit=100');
    const active = await harness.api.get('/api/v1/agents?active=true&limit=100');
    expect(inactive.body.data.map((agent: { id: string }) => agent.id)).toEqual(['agent_page_0']);
    expect(active.body.data.every((agent: { active: boolean }) => agent.active)).toBe(true);
    expect(active.body.total + inactive.body.total).toBe(await Agent.countDocuments());
  });

  it.each([['page=0'], ['limit=101'], ['limit=abc'], ['active=maybe']])('refuses %s', async (query) => {
    const res = await harness.api.get(`/api/v1/agents?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });
});

describe('GET, PATCH and DELETE /api/v1/agents/:agentId', () => {
  it('reads one agent', async () => {
    const res = await harness.api.get('/api/v1/agents/agent_full');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'agent_full', name: full.name, voice: full.voice });
  });

  it('answers 404 AGENT_NOT_FOUND for an unknown agent on every verb', async () => {
    for (const res of [
      await harness.api.get('/api/v1/agents/agent_nobody'),
      await harness.api.patch('/api/v1/agents/agent_nobody').send({ name: 'x' }),
      await harness.api.delete('/api/v1/agents/agent_nobody'),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('AGENT_NOT_FOUND');
    }
  });

  it('changes only the fields a PATCH names', async () => {
    const res = await harness.api.patch('/api/v1/agents/agent_full').send({ greeting: 'Namaste!', maxCallDurationSec: 900 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ greeting: 'Namaste!', maxCallDurationSec: 900, voice: full.voice, prompt: full.prompt });
    expect(await Agent.findById('agent_full').lean()).toMatchObject({ greeting: 'Namaste!', maxCallDurationSec: 900, voice: full.voice });
  });

  it.each([
    ['an empty patch', {}],
    ['a bad value', { maxCallDurationSec: 20_000 }],
    ['an id change', { id: 'agent_other' }],
  ])('refuses %s', async (_case, body) => {
    const res = await harness.api.patch('/api/v1/agents/agent_full').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(await Agent.findById('agent_full').lean()).toMatchObject({ maxCallDurationSec: 900 });
  });

  it('deactivates on DELETE and keeps the record; PATCH can reactivate', async () => {
    const deleted = await harness.api.delete('/api/v1/agents/agent_full');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id: 'agent_full', active: false });
    expect(await Agent.findById('agent_full').lean()).toMatchObject({ active: false, name: full.name });
    const reactivated = await harness.api.patch('/api/v1/agents/agent_full').send({ active: true });
    expect(reactivated.body.active).toBe(true);
  });

  it('refuses a malformed agent id in the path', async () => {
    const res = await harness.api.get(`/api/v1/agents/${'x'.repeat(65)}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });
});
