import request from 'supertest';
import { Agent } from '../../db/models/agent';
import { ApiKey } from '../../db/models/api-key';
import { AuditEntry } from '../../db/models/audit-entry';
import { OPEN_CALLS_RECOUNT_MS } from '../../lib/org-call-limits';
import { CallLog } from '../../db/models/call-log';
import { OPEN_ACCESS, PERMISSIONS, ROLES, roleAllows, type Role } from '../../domain/access-control';
import { listRoutes } from '../../api/route-table';
import { concretePath } from '../helpers/concrete-path';
import { startApiHarness, type ApiHarness } from './api-harness';

let harness: ApiHarness;
const keys = {} as Record<Role, string>;
let otherOrgAdmin: string;

beforeAll(async () => {
  harness = await startApiHarness('access');
  for (const role of ROLES) keys[role] = await harness.createKey({ role, name: role, agentIds: role === 'agent' ? ['agent_mine'] : [] });
  otherOrgAdmin = await harness.createKey({ role: 'admin', orgId: 'org_other', name: 'other admin' });
  await Agent.create([
    { _id: 'agent_mine', name: 'Mine', prompt: 'Remind.', greeting: 'Hello!' },
    { _id: 'agent_theirs', name: 'Theirs', prompt: 'Remind.', greeting: 'Hello!' },
  ]);
});

afterAll(async () => {
  await harness?.close();
});

const as = (key: string) => harness.authed(harness.app, key);
const call = (key: string, agentId = 'agent_mine') => as(key).post('/api/v1/calls/outbound').send({ phoneNumber: '+919876543210', agentId });
const routes = () => listRoutes(harness.app);
const send = (agent: ReturnType<typeof request.agent> | ReturnType<typeof request>, method: string, path: string) =>
  (agent as unknown as Record<string, (path: string) => request.Test>)[method.toLowerCase()](path);

describe('every route declares who may call it', () => {
  it('finds the routes and a declared access on each', () => {
    const all = routes();
    expect(all.length).toBeGreaterThan(40);
    const undeclared = all.filter((route) => route.access === undefined).map((route) => `${route.method} ${route.path}`);
    expect(undeclared).toEqual([]);
    for (const route of all) expect([...PERMISSIONS, ...OPEN_ACCESS]).toContain(route.access);
    expect(all).toEqual(expect.arrayContaining([
      { method: 'POST', path: '/api/v1/webhooks/exotel/call-status', access: 'signed' },
      { method: 'GET', path: '/api/v1/exotel/voicebot-url', access: 'signed' },
      { method: 'GET', path: '/health', access: 'public' },
      { method: 'POST', path: '/api/v1/calls/outbound', access: 'calls.place' },
    ]));
  });
});

describe('an outsider', () => {
  it('is answered 401 with WWW-Authenticate on every keyed route', async () => {
    const keyed = routes().filter((route) => !(OPEN_ACCESS as readonly string[]).includes(route.access!));
    for (const route of keyed) {
      const res = await send(request(harness.app), route.method, concretePath(route.path)).send({});
      expect([route.path, res.status, res.body.error?.code]).toEqual([route.path, 401, 'UNAUTHENTICATED']);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="ringline"');
    }
  });

  it('places no call, reads no agent and no transcript', async () => {
    const before = await CallLog.countDocuments();
    expect((await request(harness.app).post('/api/v1/calls/outbound').send({ phoneNumber: '+919876543210', agentId: 'agent_mine' })).status).toBe(401);
    expect((await request(harness.app).get('/api/v1/agents')).status).toBe(401);
    expect(await CallLog.countDocuments()).toBe(before);
  });

  it('reads /health without its details, and a key holder reads them', async () => {
    const open = await request(harness.app).get('/health');
    expect(open.status).toBe(200);
    expect(open.body).toEqual({ status: 'ok' });
    const keyed = await as(keys.agent).get('/health');
    expect(keyed.body.checks).toEqual({ temporal: 'up', database: 'up' });
  });

  it('finds no /metrics without METRICS_TOKEN, and needs the token when it is set', async () => {
    expect((await request(harness.app).get('/metrics')).status).toBe(404);
    const app = harness.makeApp({ config: { METRICS_TOKEN: 'metrics-token-0123456789' } });
    expect((await request(app).get('/metrics')).status).toBe(401);
    expect((await request(app).get('/metrics').set('Authorization', `Bearer ${keys.admin}`)).status).toBe(401);
    const scraped = await request(app).get('/metrics').set('Authorization', 'Bearer metrics-token-0123456789');
    expect(scraped.status).toBe(200);
    expect(scraped.text).toContain('process_cpu');
    const switchedOff = harness.makeApp({ config: { METRICS_TOKEN: 'metrics-token-0123456789', METRICS_ENABLED: 'false' } });
    expect((await request(switchedOff).get('/metrics').set('Authorization', 'Bearer metrics-token-0123456789')).status).toBe(404);
  });

  it.each([
    ['key without the Bearer scheme', (key: string) => key],
    ['unknown key of the right shape', () => `Bearer rlk_${'A'.repeat(43)}`],
    ['truncated key', (key: string) => `Bearer ${key.slice(0, -1)}`],
    ['key with a character changed', (key: string) => `Bearer ${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`],
    ['key in Basic auth', (key: string) => `Basic ${Buffer.from(`x:${key}`).toString('base64')}`],
    ['empty Bearer', () => 'Bearer '],
  ])('refuses a %s with 401', async (_label, header) => {
    const res = await request(harness.app).get('/api/v1/agents').set('Authorization', header(keys.admin));
    expect([res.status, res.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="ringline"');
  });

  it('refuses an expired key with 401', async () => {
    const key = await harness.createKey({ role: 'admin', expiresAt: new Date(Date.now() + 300) });
    expect((await as(key).get('/api/v1/agents')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await as(key).get('/api/v1/agents')).status).toBe(401);
  });
});

describe('each role can do exactly its list', () => {
  it.each(ROLES)('%s: 403 on exactly the routes its role lacks', async (role) => {
    for (const route of routes()) {
      if ((OPEN_ACCESS as readonly string[]).includes(route.access!)) continue;
      const res = await send(as(keys[role]), route.method, concretePath(route.path)).send({});
      const allowed = roleAllows(role, route.access as (typeof PERMISSIONS)[number]);
      if (allowed) expect([route.method, route.path, res.status]).not.toEqual([route.method, route.path, 403]);
      else expect([route.method, route.path, res.status, res.body.error.code]).toEqual([route.method, route.path, 403, 'FORBIDDEN']);
      expect(res.status).not.toBe(401);
      // The pool routes relay to media servers, which this harness does not run: that is their 502.
      if (res.status === 502) expect([route.path, res.body.error.code]).toEqual([route.path, expect.stringMatching(/^MEDIA_SERVERS?_UNREACHABLE$/)]);
      else expect(res.status).toBeLessThan(500);
    }
  });

  it('an agent key reads its own agents\' calls and not another agent\'s', async () => {
    const mine = await call(keys.admin, 'agent_mine');
    const theirs = await call(keys.admin, 'agent_theirs');
    expect([mine.status, theirs.status]).toEqual([202, 202]);
    const ownRead = await as(keys.agent).get(`/api/v1/calls/${mine.body.callLogId}`);
    expect(ownRead.status).toBe(200);
    expect(ownRead.body.agentId).toBe('agent_mine');
    const otherRead = await as(keys.agent).get(`/api/v1/calls/${theirs.body.callLogId}`);
    expect([otherRead.status, otherRead.body.error.code]).toEqual([404, 'CALL_NOT_FOUND']);
  });
});

describe('two organizations see nothing of each other', () => {
  it('answers 404 for every record of the other organization, and lists none of them', async () => {
    const placed = await call(keys.admin);
    expect(placed.status).toBe(202);
    const callLogId = placed.body.callLogId as string;
    const other = as(otherOrgAdmin);
    expect((await other.get(`/api/v1/calls/${callLogId}`)).status).toBe(404);
    expect((await other.post(`/api/v1/calls/${callLogId}/cancel`).send({})).status).toBe(404);
    expect((await other.get('/api/v1/agents/agent_mine')).status).toBe(404);
    expect((await other.patch('/api/v1/agents/agent_mine').send({ name: 'Taken' })).status).toBe(404);
    expect((await other.delete('/api/v1/agents/agent_mine')).status).toBe(404);
    expect((await Agent.findById('agent_mine').lean())?.name).toBe('Mine');
    expect((await other.get('/api/v1/agents')).body.total).toBe(0);
    expect((await other.get('/api/v1/calls/scheduled')).body.total).toBe(0);
    expect((await other.get('/api/v1/series')).body.total).toBe(0);
    expect((await other.get('/api/v1/bulk/batches')).body.total).toBe(0);
    expect((await other.get('/api/v1/calls/outbound/stats')).body.attemptsTotal).toBe(0);
    expect((await other.get('/api/v1/stats')).body.outboundCalls.attempts).toBe(0);
    const analytics = await other.get('/api/v1/analytics/calls');
    expect(analytics.status).toBe(200);
    expect(JSON.stringify(analytics.body)).not.toContain('agent_mine');
    // Its own calls cannot name the first organization's agent.
    const borrowed = await other.post('/api/v1/calls/outbound').send({ phoneNumber: '+919876543210', agentId: 'agent_mine' });
    expect([borrowed.status, borrowed.body.error.code]).toEqual([404, 'AGENT_NOT_FOUND']);
    // Keys: listed per organization, another organization's key is unknown.
    const listed = await other.get('/api/v1/keys');
    expect(listed.body.data.every((key: { orgId: string }) => key.orgId === 'org_other')).toBe(true);
    const adminRow = await ApiKey.findOne({ orgId: 'org_default', name: 'admin' }).lean();
    expect((await other.post(`/api/v1/keys/${adminRow!._id}/revoke`).send({})).status).toBe(404);
    expect((await as(keys.admin).get('/api/v1/agents')).status).toBe(200);
  });

  it('gives the same Idempotency-Key in two organizations two different calls', async () => {
    await Agent.create({ _id: 'agent_other_org', orgId: 'org_other', name: 'Other', prompt: 'p', greeting: 'g' });
    const key = `same-key-${Date.now()}`;
    const a = await as(keys.admin).post('/api/v1/calls/outbound').set('Idempotency-Key', key).send({ phoneNumber: '+919876543210', agentId: 'agent_mine' });
    const b = await as(otherOrgAdmin).post('/api/v1/calls/outbound').set('Idempotency-Key', key).send({ phoneNumber: '+919876543210', agentId: 'agent_other_org' });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.callLogId).not.toBe(b.body.callLogId);
    expect((await CallLog.findById(b.body.callLogId).lean())?.orgId).toBe('org_other');
    expect((await harness.recorded(b.body.callLogId)).input.orgId).toBe('org_other');
  });
});

describe('keys through the API', () => {
  it('creates a key shown once, lists it without its secret, and revokes it at once on every API process', async () => {
    const created = await as(keys.admin).post('/api/v1/keys').send({ role: 'api_client', name: 'billing' });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^rlk_[A-Za-z0-9_-]{43}$/);
    const stored = await ApiKey.findById(created.body.id).lean();
    expect(JSON.stringify(stored)).not.toContain(created.body.key);
    const listed = await as(keys.admin).get('/api/v1/keys');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    expect(listed.body.data.map((key: { id: string }) => key.id)).toContain(created.body.id);

    const processA = harness.makeApp();
    const processB = harness.makeApp();
    expect((await harness.authed(processB, created.body.key).get('/api/v1/calls/scheduled')).status).toBe(200);
    const revoked = await harness.authed(processA).post(`/api/v1/keys/${created.body.id}/revoke`).send({});
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const after = await harness.authed(processB, created.body.key).get('/api/v1/calls/scheduled');
    expect(after.status).toBe(401);
  });

  it('keeps key management from every role but admin', async () => {
    for (const role of ['agent_manager', 'agent', 'api_client'] as const) {
      expect((await as(keys[role]).post('/api/v1/keys').send({ role: 'admin' })).status).toBe(403);
    }
  });
});

describe('per-key rate limits', () => {
  it('answers 429 with Retry-After and RateLimit headers past the key\'s burst, counted across API processes', async () => {
    const key = await harness.createKey({ role: 'api_client', rateLimit: { perMinute: 3, burst: 3, perHour: 100 } });
    const processes = [harness.makeApp(), harness.makeApp()];
    // Fixed windows: start well inside a minute so the four requests share one.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await new Promise((resolve) => setTimeout(resolve, 60_500 - intoMinute));
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await harness.authed(processes[i % 2], key).get('/api/v1/calls/scheduled'));
    expect(answers.map((res) => res.status)).toEqual([200, 200, 200, 429]);
    const refused = answers[3];
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['ratelimit-limit']).toBe('3');
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(Number(refused.headers['ratelimit-reset'])).toBeGreaterThan(0);
    expect(answers[0].headers['ratelimit-policy']).toBe('3;w=60, 6;w=120, 100;w=3600');
  });

  it('refuses calls past the organization\'s daily cap with its own code', async () => {
    const app = harness.makeApp({ config: { ORG_DAILY_CALL_CAP: '1' } });
    const orgKey = await harness.createKey({ role: 'admin', orgId: 'org_capped' });
    await Agent.create({ _id: 'agent_capped', orgId: 'org_capped', name: 'Capped', prompt: 'p', greeting: 'g' });
    const place = () => harness.authed(app, orgKey).post('/api/v1/calls/outbound').send({ phoneNumber: '+919876543210', agentId: 'agent_capped' });
    expect((await place()).status).toBe(202);
    const refused = await place();
    expect([refused.status, refused.body.error.code]).toEqual([429, 'ORG_DAILY_CALL_CAP']);
    expect(await CallLog.countDocuments({ orgId: 'org_capped' })).toBe(1);
  });

  it('refuses calls past the organization\'s share of open calls', async () => {
    const app = harness.makeApp({ config: { ORG_MAX_OPEN_CALLS: '1' } });
    const orgKey = await harness.createKey({ role: 'admin', orgId: 'org_queued' });
    await Agent.create({ _id: 'agent_queued', orgId: 'org_queued', name: 'Queued', prompt: 'p', greeting: 'g' });
    const place = () => harness.authed(app, orgKey).post('/api/v1/calls/outbound').send({ phoneNumber: '+919876543210', agentId: 'agent_queued' });
    expect((await place()).status).toBe(202);
    const refused = await place();
    expect([refused.status, refused.body.error.code]).toEqual([429, 'ORG_QUEUE_SHARE_EXCEEDED']);
    // Once the open call has finished, the next count (at most OPEN_CALLS_RECOUNT_MS later) lets one more in.
    await CallLog.updateMany({ orgId: 'org_queued' }, { $set: { finalStatus: 'completed' } });
    await new Promise((resolve) => setTimeout(resolve, OPEN_CALLS_RECOUNT_MS));
    expect((await place()).status).toBe(202);
    expect((await place()).status).toBe(429);
  });
});

describe('audit trail', () => {
  it('records who changed what, from where, with what result, and shows it to admins only', async () => {
    const created = await as(keys.agent_manager).post('/api/v1/agents').send({ name: 'Audited', prompt: 'p', greeting: 'g' });
    expect(created.status).toBe(201);
    const refused = await as(keys.agent).post('/api/v1/agents').send({ name: 'Nope', prompt: 'p', greeting: 'g' });
    expect(refused.status).toBe(403);
    const managerKey = await ApiKey.findOne({ name: 'agent_manager', orgId: 'org_default' }).lean();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const rows = await AuditEntry.find({ route: '/api/v1/agents', method: 'POST' }).lean();
    expect(rows).toEqual(expect.arrayContaining([
      expect.objectContaining({ keyId: managerKey!._id, orgId: 'org_default', action: 'agents.write', status: 201, outcome: 'success' }),
      expect.objectContaining({ action: 'agents.write', status: 403, outcome: 'refused', errorCode: 'FORBIDDEN' }),
    ]));
    expect(rows.every((row) => typeof row.ip === 'string' && row.at instanceof Date)).toBe(true);

    const listed = await as(keys.admin).get('/api/v1/audit').query({ keyId: managerKey!._id });
    expect(listed.status).toBe(200);
    expect(listed.body.data[0]).toMatchObject({ keyId: managerKey!._id, route: '/api/v1/agents', status: 201 });
    expect((await as(keys.agent_manager).get('/api/v1/audit')).status).toBe(403);
    expect((await as(otherOrgAdmin).get('/api/v1/audit').query({ keyId: managerKey!._id })).body.total).toBe(0);
  });

  it('records key creation and revocation', async () => {
    const created = await as(keys.admin).post('/api/v1/keys').send({ role: 'agent', name: 'short-lived' });
    await as(keys.admin).post(`/api/v1/keys/${created.body.id}/revoke`).send({});
    await new Promise((resolve) => setTimeout(resolve, 200));
    const rows = await AuditEntry.find({ resourceId: created.body.id }).sort({ at: 1 }).lean();
    expect(rows.map((row) => [row.action, row.status])).toEqual([['keys.manage', 201], ['keys.manage', 200]]);
  });
});

describe('browser protections', () => {
  it('refuses a cross-site POST (Origin of another site) and changes nothing', async () => {
    const before = await Agent.countDocuments();
    const res = await as(keys.admin).post('/api/v1/agents').set('Origin', 'https://evil.example').send({ name: 'CSRF', prompt: 'p', greeting: 'g' });
    expect([res.status, res.body.error.code]).toEqual([403, 'ORIGIN_NOT_ALLOWED']);
    const csv = await as(keys.admin).post('/api/v1/bulk/import/process?agentId=agent_mine').set('Origin', 'null').type('text/csv').send('phone\n+919876543210\n');
    expect(csv.status).toBe(403);
    expect(await Agent.countDocuments()).toBe(before);
  });

  it('refuses a Host it does not serve (DNS rebinding)', async () => {
    const res = await as(keys.admin).get('/api/v1/agents').set('Host', 'rebind.attacker.example');
    expect([res.status, res.body.error.code]).toEqual([421, 'HOST_NOT_ALLOWED']);
  });

  it('keeps CORS closed unless an origin is listed', async () => {
    const closed = await request(harness.app).options('/api/v1/agents').set('Origin', 'https://ops.example.com').set('Access-Control-Request-Method', 'POST');
    expect(closed.headers['access-control-allow-origin']).toBeUndefined();
    const app = harness.makeApp({ config: { CORS_ALLOWED_ORIGINS: 'https://ops.example.com' } });
    const open = await request(app).options('/api/v1/agents').set('Origin', 'https://ops.example.com').set('Access-Control-Request-Method', 'POST');
    expect(open.status).toBe(204);
    expect(open.headers['access-control-allow-origin']).toBe('https://ops.example.com');
  });

  it('sends security headers, and no-store on records', async () => {
    const res = await as(keys.admin).get('/api/v1/agents');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBeDefined();
    expect(res.headers['strict-transport-security']).toBeDefined();
  });

  it('turns a key into an HttpOnly, Secure, SameSite=Strict session whose state changes need the CSRF token', async () => {
    const bad = await request(harness.app).post('/dashboard/login').send({ key: `rlk_${'B'.repeat(43)}` });
    expect(bad.status).toBe(401);
    const login = await request(harness.app).post('/dashboard/login').send({ key: keys.admin });
    expect(login.status).toBe(200);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/^ringline_session=[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    expect(JSON.stringify(login.body)).not.toContain(keys.admin);
    const session = cookie.split(';')[0];

    expect((await request(harness.app).get('/api/v1/agents').set('Cookie', session)).status).toBe(200);
    const forged = await request(harness.app).post('/api/v1/agents').set('Cookie', session).send({ name: 'Forged', prompt: 'p', greeting: 'g' });
    expect([forged.status, forged.body.error.code]).toEqual([403, 'CSRF_TOKEN_INVALID']);
    const genuine = await request(harness.app)
      .post('/api/v1/agents')
      .set('Cookie', session)
      .set('X-CSRF-Token', login.body.csrfToken)
      .send({ name: 'From dashboard', prompt: 'p', greeting: 'g' });
    expect(genuine.status).toBe(201);
    const again = await request(harness.app).get('/dashboard/session').set('Cookie', session);
    expect(again.body.csrfToken).toBe(login.body.csrfToken);
    expect((await request(harness.app).post('/dashboard/logout').set('Cookie', session).set('X-CSRF-Token', login.body.csrfToken)).status).toBe(204);
    expect((await request(harness.app).get('/api/v1/agents').set('Cookie', session)).status).toBe(401);
    expect((await request(harness.app).get('/dashboard/session').set('Cookie', session)).body).toEqual({ loggedIn: false });
  });
});
