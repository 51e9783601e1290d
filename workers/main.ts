import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { createGeneralActivities } from '../activities';
import { connectDatabase, disconnectDatabase } from '../db/connection';
import { getConfigOrExit } from '../lib/config';
import { createLogger } from '../lib/logger';
import { ensureRetentionSchedule } from './retention-schedule';
import { FAILURE_CONVERTER_PATH, ringlineDataConverter } from '../lib/temporal-connection';
import { bundlerLogger, installTemporalRuntime } from './temporal-runtime';
import { GENERAL_WORKER_CAPACITY } from './worker-capacity';
import { closeServer, createWorkerRegistry, sdkBindAddress, serveWorkerMetrics, workerMetricsAddresses } from './worker-metrics';
import { callRecordMetrics } from '../lib/business-metrics/call-records';
import { outcomeWebhookDeliveryMetrics } from '../lib/business-metrics/outcome-webhook-deliveries';
import { createStoredStateMetrics } from '../lib/business-metrics/stored-state';

/** The general worker (queue `ringline`): every workflow, and the activities that touch the database. */
async function main(): Promise<void> {
  const config = getConfigOrExit();
  const logger = createLogger('worker', { level: config.LOG_LEVEL });
  const metricsAddresses = workerMetricsAddresses(config, 'general');
  installTemporalRuntime(logger, metricsAddresses ? sdkBindAddress(metricsAddresses) : undefined);
  await connectDatabase(config.MONGODB_URI, logger);
  const registry = createWorkerRegistry('worker', [...callRecordMetrics, ...outcomeWebhookDeliveryMetrics, ...createStoredStateMetrics(logger)]);
  const metricsServer = metricsAddresses && (await serveWorkerMetrics(registry, config.METRICS_TOKEN, metricsAddresses.host, metricsAddresses.port));
  const dataConverter = ringlineDataConverter(config);
  const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: bundlerLogger(logger),
  });
  // One set for both queues: the line gate grants lines in the same line book the calls take them from.
  const activities = createGeneralActivities(client, config);
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundle,
    dataConverter,
    activities,
    ...GENERAL_WORKER_CAPACITY,
  });
  // The line gates get workflow slots of their own: every call waits on them.
  const gateWorker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_GATE_TASK_QUEUE,
    workflowBundle,
    dataConverter,
    activities,
  });
  await ensureRetentionSchedule(client, config, logger);
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, gateTaskQueue: config.TEMPORAL_GATE_TASK_QUEUE, metrics: metricsAddresses }, 'worker started');
  // Worker.run() handles SIGINT/SIGTERM itself: it stops polling and lets running tasks finish.
  await Promise.all([worker.run(), gateWorker.run()]);
  await Promise.all([connection.close(), clientConnection.close(), disconnectDatabase(), metricsServer && closeServer(metricsServer)]);
  logger.info('worker stopped');
}

main().catch((err: unknown) => {
  createLogger('worker').fatal({ err }, 'worker failed');
  process.exit(1);
});
