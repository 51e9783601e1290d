import { connectDatabase, disconnectDatabase, pingDatabase } from '../db/connection';
import { backfillCreatedDays } from '../db/created-day-backfill';
import { backfillDefaultOrganization } from '../db/organization-backfill';
import { getConfigOrExit } from '../lib/config';
import { createLogger } from '../lib/logger';
import { createMetricsRegistry } from '../lib/metrics';
import { connectTemporalClient, pingTemporal } from '../lib/temporal-connection';
import { createApp } from './app';
import { liveUpdatesFromConfig } from './live/live-updates';

async function main(): Promise<void> {
  const config = getConfigOrExit();
  const logger = createLogger('api', { level: config.LOG_LEVEL });
  const [temporal] = await Promise.all([connectTemporalClient(config), connectDatabase(config.MONGODB_URI, logger)]);
  const backfilled = await backfillDefaultOrganization();
  if (backfilled > 0) logger.info({ records: backfilled }, 'records without an organization given the default one');
  const dated = await backfillCreatedDays();
  if (dated > 0) logger.info({ records: dated }, 'call records given their creation day');
  const liveUpdates = liveUpdatesFromConfig(config, logger);
  const app = createApp({
    logger,
    liveUpdates,
    config,
    temporal: temporal.client,
    metrics: createMetricsRegistry('api'),
    health: { temporal: () => pingTemporal(temporal.connection), database: () => pingDatabase() },
  });
  const server = app.listen(config.API_PORT, config.API_HOST, () => {
    logger.info({ url: `http://${config.API_HOST}:${config.API_PORT}` }, 'API listening');
  });

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'API shutting down');
    // Open event streams would hold the server open: they end, and their clients reconnect elsewhere or later.
    liveUpdates.close();
    server.close(() => {
      void Promise.all([temporal.connection.close(), disconnectDatabase()]).finally(() => process.exit(0));
    });
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  createLogger('api').fatal({ err }, 'API failed to start');
  process.exit(1);
});
