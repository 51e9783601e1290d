import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../lib/logger';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

function toPino(logger: Logger, level: (entry: LogEntry) => keyof typeof LEVELS | undefined = (entry) => entry.level): DefaultLogger {
  return new DefaultLogger('TRACE', (entry) => {
    logger[LEVELS[level(entry) ?? entry.level]]({ ...entry.meta, source: 'temporal-sdk' }, entry.message);
  });
}

/**
 * Routes the Temporal SDK's own logs (worker, workflows, activities) into the process's pino logger
 * and, given an address, serves the SDK's Prometheus figures there (task latencies, slots, polls).
 * Runtime.install works once per process and before any connection, so this comes first in a worker.
 */
export function installTemporalRuntime(logger: Logger, sdkMetricsAddress?: string): void {
  Runtime.install({
    logger: toPino(logger),
    ...(sdkMetricsAddress && {
      telemetryOptions: { metrics: { prometheus: { bindAddress: sdkMetricsAddress, countersTotalSuffix: true, useSecondsForDurations: true } } },
    }),
  });
}

/**
 * For `bundleWorkflowCode`: webpack's report of every module it bundled is worth seeing only when
 * looking for a bundling problem, so its info lines go to debug.
 */
export function bundlerLogger(logger: Logger): DefaultLogger {
  return toPino(logger, (entry) => (entry.level === 'INFO' ? 'DEBUG' : entry.level));
}
