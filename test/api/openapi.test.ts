import { readFileSync } from 'node:fs';
import request from 'supertest';
import { OPENAPI_FILE } from '../../scripts/openapi-file';
import { startApiHarness, type ApiHarness } from './api-harness';

let harness: ApiHarness;

beforeAll(async () => {
  harness = await startApiHarness('openapi', { worker: false });
});

afterAll(async () => {
  await harness?.close();
});

describe('GET /api/v1/openapi.json', () => {
  it('answers without a key with the OpenAPI 3.1 document committed as docs/openapi.json', async () => {
    const res = await request(harness.app).get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body).toEqual(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')));
  });
});
