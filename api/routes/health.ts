import { Router } from 'express';

export interface HealthChecks {
  temporal: () => Promise<boolean>;
  database: () => Promise<boolean>;
}

/**
 * Reports each dependency as it is right now (checked on every request, in parallel, with short
 * deadlines): 200 when all answer, 503 naming the ones that do not.
 */
export function healthRouter(checks: HealthChecks): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const started = Date.now();
    const [temporal, database] = await Promise.all([checks.temporal(), checks.database()]);
    const ok = temporal && database;
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'degraded',
      checks: { temporal: temporal ? 'up' : 'down', database: database ? 'up' : 'down' },
      checkedInMs: Date.now() - started,
    });
  });
  return router;
}
