import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../lib/logger';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Routes the Temporal SDK's own logs (worker, workflows, activities) into the process's pino logger. */
export function installTemporalRuntime(logger: Logger): void {
  Runtime.install({
    logger: new DefaultLogger('INFO', (entry) => {
      logger[LEVELS[entry.level]]({ ...entry.meta, source: 'temporal-sdk' }, entry.message);
    }),
  });
}
