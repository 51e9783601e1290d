import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from '../lib/logger';
import { errorHandler, notFoundHandler } from './middleware/error-handler';
import { healthRouter, type HealthChecks } from './routes/health';

export interface ApiDependencies {
  logger: Logger;
  health: HealthChecks;
  metrics: Registry;
}

export function createApp(deps: ApiDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  app.use(healthRouter(deps.health));
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.contentType).send(await deps.metrics.metrics());
  });
  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger));
  return app;
}
