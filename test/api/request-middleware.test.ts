import { startApiHarness, type ApiHarness } from './api-harness';

let harness: ApiHarness;
let lines: Record<string, unknown>[];
let app: ApiHarness['app'];

beforeAll(async () => {
  harness = await startApiHarness('request_middleware', { worker: false });
});

beforeEach(() => {
  lines = [];
  app = harness.makeApp({ logDestination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
});

afterAll(async () => {
  await harness?.close();
});

const requestLines = () => lines.filter((line) => line.msg === 'request');

describe('request logging', () => {
  it('writes one line per request with method, path, status and duration: successful reads at debug, changes at info', async () => {
    await harness.authed(app).get('/api/v1/agents').expect(200);
    await harness.authed(app).get('/api/v1/agents/agent_nobody').expect(404);
    await harness.authed(app).post('/api/v1/agents').send({ id: 'agent_request_log', name: 'Log', prompt: 'Be brief.', greeting: 'Hello!' }).expect(201);
    expect(requestLines()).toEqual([
      expect.objectContaining({ level: 'debug', method: 'GET', path: '/api/v1/agents', status: 200, ms: expect.any(Number) }),
      expect.objectContaining({ level: 'warn', method: 'GET', path: '/api/v1/agents/agent_nobody', status: 404 }),
      expect.objectContaining({ level: 'info', method: 'POST', path: '/api/v1/agents', status: 201 }),
    ]);
  });

  it('leaves the query string out and masks phone numbers in the path', async () => {
    await harness.authed(app).get('/api/v1/calls/+919876543210?sig=secret-signature');
    const [line] = requestLines();
    expect(line).toMatchObject({ method: 'GET', path: '/api/v1/calls/***3210' });
    expect(JSON.stringify(lines)).not.toContain('secret-signature');
    expect(JSON.stringify(lines)).not.toContain('9876543210');
  });

  it('logs probes at debug only', async () => {
    await harness.authed(app).get('/health').expect(200);
    expect(requestLines()).toEqual([expect.objectContaining({ level: 'debug', path: '/health' })]);
  });
});

describe('Idempotency-Key validation', () => {
  it('refuses a malformed key on any API route', async () => {
    const res = await harness.authed(app).post('/api/v1/agents').set('Idempotency-Key', 'x'.repeat(256)).send({});
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_IDEMPOTENCY_KEY');
  });

  it('lets a well-formed key through', async () => {
    const res = await harness.authed(app).get('/api/v1/agents').set('Idempotency-Key', 'order 17 / reminder #1');
    expect(res.status).toBe(200);
  });
});

describe('unknown API routes', () => {
  it('answer 404 in the standard error shape', async () => {
    const res = await harness.authed(app).get('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'No route for GET /api/v1/nothing-here', details: null } });
  });
});
