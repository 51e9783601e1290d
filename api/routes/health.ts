import { Router } from 'express';
import { allow } from '../access/route-access';

export interface HealthChecks {
  temporal: () => Promise<boolean>;
  database: () => Promise<boolean>;
}

/**
 * Reports each dependency as it is right now (checked on every request, in parallel, with short
 * deadlines): 200 when all answer, 503 when one does not. Which one, and how fast, only for a caller
 * with a key: an outsider learns up or not, nothing of the inside.
 */
export function healthRouter(checks: HealthChecks): Router {
  const router = Router();
  router.get('/health', allow('public'), async (_req, res) => {
    const started = Date.now();
    const [temporal, database] = await Promise.all([checks.temporal(), checks.database()]);
    const ok = temporal && database;
    res.status(ok ? 200 : 503);
    if (!res.locals.principal) {
      res.json({ status: ok ? 'ok' : 'degraded' });
      return;
    }
    res.json({
      status: ok ? 'ok' : 'degraded',
      checks: { temporal: temporal ? 'up' : 'down', database: database ? 'up' : 'down' },
      checkedInMs: Date.now() - started,
    });
  });
  return router;
}
