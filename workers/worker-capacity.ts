import type { WorkerOptions } from '@temporalio/worker';

type Capacity = Pick<WorkerOptions, 'maxConcurrentWorkflowTaskExecutions' | 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentLocalActivityExecutions'>;

/**
 * How many tasks the general worker (`ringline`) takes at once. Temporal's defaults (40 workflow
 * tasks, 100 activities) are sized for heavy tasks; a call's are small and mostly wait. A call's
 * first workflow task holds its slot while its local activities wait on the database and the line
 * gate, so with the defaults a campaign of 500 calls at a time ran at half its speed, its workers
 * idle behind 40 slots.
 */
export const GENERAL_WORKER_CAPACITY: Capacity = {
  maxConcurrentWorkflowTaskExecutions: 200,
  maxConcurrentActivityTaskExecutions: 400,
  maxConcurrentLocalActivityExecutions: 400,
};

/** The Exotel worker's dials are HTTP requests that mostly wait; the task queue's rate limit paces them. */
export const EXOTEL_WORKER_CAPACITY: Capacity = {
  maxConcurrentActivityTaskExecutions: 200,
};
