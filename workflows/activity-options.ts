import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

/**
 * Database writes are short and idempotent: local activities run them in the workflow's own worker
 * without a task-queue round trip, which keeps a workflow's history and latency small. They retry
 * until the database answers: a record is never dropped.
 */
export const DATABASE_WRITE_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
};

/** A greeting that is not warm in time only costs the call a cache miss, so it is tried briefly. */
export const GREETING_PREWARM_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '20 seconds',
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
};
