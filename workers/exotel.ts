import { NativeConnection, Worker } from '@temporalio/worker';
import { ExotelApi } from '../activities/exotel-api';
import { createExotelActivities } from '../activities/exotel';
import { connectDatabase, disconnectDatabase } from '../db/connection';
import { getConfigOrExit } from '../lib/config';
import { createLogger } from '../lib/logger';
import { ringlineDataConverter } from '../lib/temporal-connection';
import { installTemporalRuntime } from './temporal-runtime';
import { EXOTEL_WORKER_CAPACITY } from './worker-capacity';
import { closeServer, createWorkerRegistry, sdkBindAddress, serveWorkerMetrics, workerMetricsAddresses } from './worker-metrics';
import { dialRequestMetrics } from '../lib/business-metrics/dial-requests';
import { exotelQueueRatePerSecond } from '../domain/exotel-queue-rate';

/**
 * The Exotel worker (queue `ringline-exotel`): only Exotel API calls. Its activity rate is capped by
 * the Temporal server across every worker on the queue, which is how the account's 200 requests per
 * minute (dialing, call-details polling and DND lookups together) is kept without a per-process
 * limiter. It reads the database only for the DND answer cache.
 */
async function main(): Promise<void> {
  const config = getConfigOrExit();
  const logger = createLogger('worker-exotel', { level: config.LOG_LEVEL });
  const metricsAddresses = workerMetricsAddresses(config, 'exotel');
  installTemporalRuntime(logger, metricsAddresses ? sdkBindAddress(metricsAddresses) : undefined);
  await connectDatabase(config.MONGODB_URI, logger);
  const registry = createWorkerRegistry('worker-exotel', dialRequestMetrics);
  const metricsServer = metricsAddresses && (await serveWorkerMetrics(registry, config.METRICS_TOKEN, metricsAddresses.host, metricsAddresses.port));
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const api = new ExotelApi({
    baseUrl: config.EXOTEL_BASE_URL,
    accountSid: config.EXOTEL_ACCOUNT_SID,
    apiKey: config.EXOTEL_API_KEY,
    apiToken: config.EXOTEL_API_TOKEN,
    timeoutMs: config.EXOTEL_HTTP_TIMEOUT_MS,
  });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_EXOTEL_TASK_QUEUE,
    dataConverter: ringlineDataConverter(config),
    activities: createExotelActivities(api, config),
    maxTaskQueueActivitiesPerSecond: exotelQueueRatePerSecond(config.EXOTEL_RATE_LIMIT_PER_MINUTE),
    ...EXOTEL_WORKER_CAPACITY,
  });
  logger.info(
    { taskQueue: config.TEMPORAL_EXOTEL_TASK_QUEUE, requestsPerMinute: config.EXOTEL_RATE_LIMIT_PER_MINUTE, metrics: metricsAddresses },
    'Exotel worker started',
  );
  await worker.run();
  await Promise.all([connection.close(), disconnectDatabase(), metricsServer && closeServer(metricsServer)]);
  logger.info('Exotel worker stopped');
}

main().catch((err: unknown) => {
  createLogger('worker-exotel').fatal({ err }, 'Exotel worker failed');
  process.exit(1);
});
