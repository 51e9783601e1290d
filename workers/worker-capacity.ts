import type { WorkerOptions } from '@temporalio/worker';

type Capacity = Pick<WorkerOptions, 'maxConcurrentWorkflowTaskExecutions' | 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentLocalActivityExecutions'>;

/**
 * How many tasks the general worker (`ringline`) takes at once. A call's first workflow task holds
 * its slot while its local activities wait on the database, so Temporal's default of 40 left a
 * 500-call campaign's worker idle behind its slots. Far more is worse: at 200 tasks and 400 local
 * activities a 1,000-call backlog queued them all on the database, tasks passed their 10 s timeout and
 * were done again (4 dials/s); at 60 and 120 none timed out and it ran at 12 dials/s (30 and 60: 11).
 * Measured in docs/benchmarks.md.
 */
export const GENERAL_WORKER_CAPACITY: Capacity = {
  maxConcurrentWorkflowTaskExecutions: 60,
  maxConcurrentActivityTaskExecutions: 400,
  maxConcurrentLocalActivityExecutions: 120,
};

/** The Exotel worker's dials are HTTP requests that mostly wait; the task queue's rate limit paces them. */
export const EXOTEL_WORKER_CAPACITY: Capacity = {
  maxConcurrentActivityTaskExecutions: 200,
};
