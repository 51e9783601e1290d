import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { temporalCliPath } from '../../scripts/infra/tool-paths';
import { greetingWorkflow } from '../fixtures/workflows/greeting';

/**
 * @temporalio/testing starts its own dev server from the pinned CLI binary (its default would download
 * one, which cannot work here), then runs a real workflow and activity through it.
 */
describe('a workflow on the real Temporal dev server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: temporalCliPath() }, extraArgs: ['--log-level', 'error'] },
    });
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('runs to completion through a worker and an activity', async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'trivial',
      workflowsPath: require.resolve('../fixtures/workflows/greeting'),
      activities: { composeGreeting: async (name: string) => `Hello, ${name}!` },
    });
    const result = await worker.runUntil(
      env.client.workflow.execute(greetingWorkflow, { taskQueue: 'trivial', workflowId: 'greeting-1', args: ['Ringline'] }),
    );
    expect(result).toBe('Hello, Ringline!');
    const history = await env.client.workflow.getHandle('greeting-1').fetchHistory();
    expect(history.events?.some((e) => e.activityTaskCompletedEventAttributes)).toBe(true);
  });
});
