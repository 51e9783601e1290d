import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import request from 'supertest';
import { createApp } from '../../api/app';
import { parseConfig } from '../../domain/config';
import { generateSecrets } from '../../lib/generated-secrets';
import { connectDatabase, disconnectDatabase, pingDatabase } from '../../db/connection';
import { createApiKey } from '../../lib/api-keys';
import { createLogger } from '../../lib/logger';
import { createMetricsRegistry } from '../../lib/metrics';
import { connectTemporalClient, pingTemporal, type TemporalHandle } from '../../lib/temporal-connection';
import { startFerretDb, waitForMongo } from '../../scripts/infra/ferretdb';
import { freePort } from '../../scripts/infra/free-port';
import type { ManagedProcess } from '../../scripts/infra/managed-process';
import { testInfra } from '../helpers/test-infra';

/**
 * /health must tell the truth: this test runs its own FerretDB so it can stop it under the API's feet.
 */
describe('GET /health', () => {
  let database: ManagedProcess;
  let temporal: TemporalHandle;
  let app: ReturnType<typeof createApp>;
  let adminKey: string;
  const METRICS_TOKEN = 'health-test-metrics-token';

  beforeAll(async () => {
    const [port, debugPort] = [await freePort(), await freePort()];
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ringline-health-db-'));
    // SQLite keeps this throwaway FerretDB independent of whatever PostgreSQL the machine has.
    database = startFerretDb({ port, debugPort, storage: { kind: 'sqlite', dataDir }, output: () => undefined });
    const uri = `mongodb://127.0.0.1:${port}/ringline_health`;
    await waitForMongo(uri);
    await connectDatabase(uri);
    temporal = await connectTemporalClient({ TEMPORAL_ADDRESS: testInfra().temporalAddress, TEMPORAL_NAMESPACE: 'default', PAYLOAD_KEYS: testInfra().payloadKeys });
    const config = parseConfig({ ...generateSecrets(), METRICS_TOKEN });
    app = createApp({
      config,
      temporal: temporal.client,
      logger: createLogger('api-test', { level: 'silent' }),
      metrics: createMetricsRegistry('api-test'),
      health: {
        temporal: () => pingTemporal(temporal.connection),
        database: () => pingDatabase(),
      },
    });
    adminKey = (await createApiKey({ role: 'admin' }, config.API_KEY_PEPPER)).key;
  });

  afterAll(async () => {
    await disconnectDatabase();
    await temporal?.connection.close();
    await database?.stop();
  });

  it('is 200 when Temporal and the database answer, with the checks for a key holder only', async () => {
    const res = await request(app).get('/health').set('Authorization', `Bearer ${adminKey}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', checks: { temporal: 'up', database: 'up' } });
    const outsider = await request(app).get('/health');
    expect(outsider.status).toBe(200);
    expect(outsider.body).toEqual({ status: 'ok' });
  });

  it('reports an unreachable Temporal frontend as down', async () => {
    const closed = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    expect(await pingTemporal(closed, 500)).toBe(false);
    await closed.close();
  });

  it('serves Prometheus metrics to the metrics token only', async () => {
    expect((await request(app).get('/metrics')).status).toBe(401);
    const res = await request(app).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });

  it('answers unknown routes with the standard error shape', async () => {
    const res = await request(app).get('/nope');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'No route for GET /nope', details: null } });
  });

  // Last: it stops the database. Without the database no key can be checked, so the answer has no details.
  it('is 503 once the database stops', async () => {
    await database.stop();
    const res = await request(app).get('/health');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'degraded' });
  });
});
