import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Registry } from 'prom-client';
import { allow, unauthenticated } from '../access/route-access';
import { ApiError } from '../api-error';

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Prometheus scrapes with its own bearer token, never an API key (a scraper's credential should open
 * nothing else). Without METRICS_TOKEN the route does not exist.
 */
export function metricsRouter(registry: Registry, token: string | undefined): Router {
  const router = Router();
  router.get('/metrics', allow('metrics'), async (req, res) => {
    if (!token) throw new ApiError(404, 'NOT_FOUND', 'No route for GET /metrics');
    const presented = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (!sameText(presented, token)) throw unauthenticated(res, 'The metrics token is missing or wrong');
    res.set('Cache-Control', 'no-store');
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
