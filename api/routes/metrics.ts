import { Router } from 'express';
import type { Registry } from 'prom-client';
import { carriesMetricsToken } from '../../lib/metrics-token';
import { allow, unauthenticated } from '../access/route-access';
import { ApiError } from '../api-error';

/** `/metrics` behind METRICS_TOKEN (lib/metrics-token.ts); without a token the route does not exist. */
export function metricsRouter(registry: Registry, token: string | undefined): Router {
  const router = Router();
  router.get('/metrics', allow('metrics'), async (req, res) => {
    if (!token) throw new ApiError(404, 'NOT_FOUND', 'No route for GET /metrics');
    if (!carriesMetricsToken(req.get('authorization'), token)) throw unauthenticated(res, 'The metrics token is missing or wrong');
    res.set('Cache-Control', 'no-store');
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
