import { NativeConnection, Worker } from '@temporalio/worker';
import { connectDatabase, disconnectDatabase } from '../db/connection';
import { getConfigOrExit } from '../lib/config';
import { createLogger } from '../lib/logger';
import { installTemporalRuntime } from './temporal-runtime';

/** The general worker: every workflow, and the activities that touch the database. */
async function main(): Promise<void> {
  const config = getConfigOrExit();
  const logger = createLogger('worker', { level: config.LOG_LEVEL });
  installTemporalRuntime(logger);
  await connectDatabase(config.MONGODB_URI, logger);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowsPath: require.resolve('../workflows'),
  });
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker started');
  // Worker.run() handles SIGINT/SIGTERM itself: it stops polling and lets running tasks finish.
  await worker.run();
  await connection.close();
  await disconnectDatabase();
  logger.info('worker stopped');
}

main().catch((err: unknown) => {
  createLogger('worker').fatal({ err }, 'worker failed');
  process.exit(1);
});
