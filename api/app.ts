import type { Client } from '@temporalio/client';
import express, { Router, type Express } from 'express';
import type { Registry } from 'prom-client';
import type { Config } from '../domain/config';
import type { Logger } from '../lib/logger';
import { auditTrail } from './access/audit-trail';
import { withAccess } from './access/route-access';
import { authenticate } from './access/authenticate';
import { keyRateLimit } from './access/rate-limit';
import { noStore, requestGuards } from './access/request-guards';
import type { CallRoutesContext } from './call-context';
import { errorHandler, notFoundHandler } from './middleware/error-handler';
import { validateIdempotencyKey } from './middleware/idempotency-key';
import { requestLogger } from './middleware/request-logger';
import { accessRouter } from './routes/access';
import { agentsRouter } from './routes/agents';
import { analyticsRouter } from './routes/analytics';
import { bulkImportRouter } from './routes/bulk-import';
import { dashboardRouter } from './routes/dashboard';
import { doNotCallRouter } from './routes/do-not-call';
import { callsRouter } from './routes/calls';
import { campaignsRouter } from './routes/campaigns';
import { exotelRouter } from './routes/exotel';
import { LineGateSnapshot } from './line-gate-snapshot';
import { liveUpdatesFromConfig, type LiveUpdates } from './live/live-updates';
import { OrgCallGuard } from '../lib/org-call-limits';
import { healthRouter, type HealthChecks } from './routes/health';
import { liveEventsRouter } from './routes/live-events';
import { knowledgeRouter } from './routes/knowledge';
import { metricsRouter } from './routes/metrics';
import { openApiRouter } from './routes/openapi';
import { outcomeWebhooksRouter } from './routes/outcome-webhooks';
import { phoneNumbersRouter } from './routes/phone-numbers';
import { prewarmingRouter } from './routes/prewarming';
import { schedulesRouter } from './routes/schedules';
import { seriesRouter } from './routes/series';
import { webhooksRouter } from './routes/webhooks';
import { DEFAULT_TEMPORAL_TIMEOUTS, type TemporalTimeouts } from './temporal-calls';

export interface ApiDependencies {
  logger: Logger;
  health: HealthChecks;
  metrics: Registry;
  /** Connected by the caller, so tests hand in a client of their own dev server. */
  temporal: Client;
  config: Config;
  temporalTimeouts?: Partial<TemporalTimeouts>;
  /** The process's event streams; made from the configuration when absent. Its owner ends them at shutdown. */
  liveUpdates?: LiveUpdates;
}

export function createApp(deps: ApiDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLogger(deps.logger));
  app.use(...requestGuards(deps.config));
  // Before authentication: its bearer token is the metrics token, not an API key.
  app.use(metricsRouter(deps.metrics, deps.config.METRICS_ENABLED ? deps.config.METRICS_TOKEN : undefined));
  app.use(authenticate(deps.config, deps.logger));
  app.use(keyRateLimit(deps.config));
  app.use(auditTrail(deps.logger));
  // Body limits per route: a bulk request of BULK_MAX_ROWS calls needs room, nothing else does.
  app.use('/api/v1/calls/outbound/bulk', express.json({ limit: '1mb' }));
  // A knowledge document's text may take twice its UTF-8 size as JSON (escapes), plus its title.
  app.use('/api/v1/agents/:agentId/knowledge', express.json({ limit: deps.config.KNOWLEDGE_MAX_DOCUMENT_BYTES * 2 + 16 * 1024 }));
  app.use(express.json({ limit: '128kb' }));
  app.use(healthRouter(deps.health));
  app.use(dashboardRouter(deps));
  app.use('/api/v1', noStore(), apiV1Router(deps));
  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger));
  return app;
}

function apiV1Router(deps: ApiDependencies): Router {
  const timeouts = { ...DEFAULT_TEMPORAL_TIMEOUTS, ...deps.temporalTimeouts };
  const ctx: CallRoutesContext = {
    temporal: deps.temporal,
    config: deps.config,
    logger: deps.logger,
    timeouts,
    lineGate: new LineGateSnapshot(deps.temporal, deps.config.EXOTEL_ACCOUNT_SID, timeouts.queryMs, timeouts.lineGateSnapshotMs),
    orgCalls: new OrgCallGuard(deps.config),
  };
  const router = Router();
  router.use(validateIdempotencyKey());
  router.use(openApiRouter());
  router.use(accessRouter(deps.config));
  router.use(agentsRouter(deps.config));
  router.use(knowledgeRouter(ctx));
  // Before the call routes, whose /calls/:callLogId would take "scheduled" for an id.
  router.use(schedulesRouter(ctx));
  router.use(seriesRouter(ctx));
  router.use(campaignsRouter(ctx));
  router.use(bulkImportRouter(ctx));
  router.use(analyticsRouter(ctx));
  router.use(prewarmingRouter(ctx));
  router.use(doNotCallRouter(ctx));
  router.use(phoneNumbersRouter(ctx));
  router.use(outcomeWebhooksRouter(ctx));
  router.use(liveEventsRouter(ctx, deps.liveUpdates ?? liveUpdatesFromConfig(deps.config, deps.logger)));
  router.use(callsRouter(ctx));
  // Exotel reaches these without a key: each request proves itself by its per-call HMAC or token.
  router.use(withAccess('signed', webhooksRouter(ctx)));
  router.use(withAccess('signed', exotelRouter(ctx)));
  return router;
}
