import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { createLineGateActivities } from '../../activities/line-gate';
import { readLineGateStatus } from '../../api/line-gate-status';
import { connectDatabase, disconnectDatabase } from '../../db/connection';
import type { Priority } from '../../domain/priority';
import { lineGateWorkflowId } from '../../workflows/messages';
import { letGoSignal, lineHolderWorkflow } from '../fixtures/workflows/line-holder';
import { connectToTestTemporal, uniqueName } from '../helpers/temporal-test-env';
import { testDatabaseUri } from '../helpers/test-infra';

describe('line book and line gate on the real dev server and database', () => {
  let env: Awaited<ReturnType<typeof connectToTestTemporal>>;
  /** The limit the activities read, per test (they read it on every write, as the worker reads its config). */
  let limit = 1;

  beforeAll(async () => {
    env = await connectToTestTemporal();
    await connectDatabase(testDatabaseUri('line_gate'));
  });
  afterAll(async () => {
    await env?.close();
    await disconnectDatabase();
  });

  async function withGateWorker<T>(lines: number, breaker: { failureThreshold: number; openMs: number }, body: (taskQueue: string, account: string, client: Client) => Promise<T>) {
    const taskQueue = uniqueName('gate');
    const account = uniqueName('acct');
    limit = lines;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../fixtures/workflows/gate-test-workflows'),
      dataConverter: env.dataConverter,
      activities: createLineGateActivities(env.client, taskQueue, breaker, () => limit),
    });
    try {
      return await worker.runUntil(body(taskQueue, account, env.client));
    } finally {
      await env.client.workflow.getHandle(lineGateWorkflowId(account)).terminate().catch(() => undefined);
    }
  }

  async function holdersFromQueue(client: Client, taskQueue: string, account: string, lines: number, priorities: Priority[], holdMs: number) {
    // Fill every line first so that everyone after them has to queue.
    const first = await Promise.all(
      Array.from({ length: lines }, (_, i) =>
        client.workflow.start(lineHolderWorkflow, { taskQueue, workflowId: `${account}-first-${i}`, args: [account, 'medium', -1] }),
      ),
    );
    await waitFor(async () => (await gateStatus(client, account)).active.length === lines);
    const queued: { id: string; priority: Priority }[] = [];
    for (const [i, priority] of priorities.entries()) {
      const id = `${account}-q${i}-${priority}`;
      queued.push({ id, priority });
      await client.workflow.start(lineHolderWorkflow, { taskQueue, workflowId: id, args: [account, priority, holdMs] });
      // Requests must reach the gate in this order for first-come-first-served to be observable.
      await waitFor(async () => (await gateStatus(client, account)).waitingTotal === i + 1);
    }
    await Promise.all(first.map((h) => h.signal(letGoSignal)));
    const results = await Promise.all(
      [...first.map((h) => h.workflowId), ...queued.map((q) => q.id)].map(async (id) => ({
        id,
        ...(await client.workflow.getHandle(id).result()),
      })),
    );
    return { queued, results };
  }

  it('hands out lines at once while the limit is far off, without a gate workflow', async () => {
    await withGateWorker(10, { failureThreshold: 5, openMs: 60_000 }, async (taskQueue, account, client) => {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          client.workflow.execute(lineHolderWorkflow, { taskQueue, workflowId: `${account}-fast-${i}`, args: [account, 'medium', 200] }),
        ),
      );
      expect(results.map((r) => r.queued)).toEqual(Array(10).fill(false));
      const { gate, status } = await readLineGateStatus(client, account, 10, 2_000);
      expect(gate.state).toBe('not_started');
      expect(status).toMatchObject({ active: [], waitingTotal: 0, grantsTotal: 10 });
    });
  });

  it('never has more lines out than the limit', async () => {
    await withGateWorker(3, { failureThreshold: 5, openMs: 60_000 }, async (taskQueue, account, client) => {
      const priorities: Priority[] = ['low', 'medium', 'high', 'low', 'high', 'medium', 'low', 'high', 'low'];
      const { results } = await holdersFromQueue(client, taskQueue, account, 3, priorities, 300);
      const events = results.flatMap((r) => [
        { at: r.grantedAt, delta: 1 },
        { at: r.releasedAt, delta: -1 },
      ]);
      events.sort((a, b) => a.at - b.at || a.delta - b.delta);
      let live = 0;
      let peak = 0;
      for (const e of events) {
        live += e.delta;
        peak = Math.max(peak, live);
      }
      expect(peak).toBe(3);
      const status = await gateStatus(client, account);
      expect(status.active).toHaveLength(0);
      expect(status.grantsTotal).toBe(12);
    });
  });

  it('serves high before medium before low, first come first served within one', async () => {
    await withGateWorker(1, { failureThreshold: 5, openMs: 60_000 }, async (taskQueue, account, client) => {
      const priorities: Priority[] = ['low', 'low', 'medium', 'high', 'low', 'high', 'medium', 'high'];
      const { queued, results } = await holdersFromQueue(client, taskQueue, account, 1, priorities, 50);
      const grantOrder = results.filter((r) => r.id.includes('-q')).sort((a, b) => a.grantedAt - b.grantedAt).map((r) => r.id);
      const rank = { high: 0, medium: 1, low: 2 } as const;
      const expected = [...queued].sort((a, b) => rank[a.priority] - rank[b.priority] || queued.indexOf(a) - queued.indexOf(b)).map((q) => q.id);
      expect(grantOrder).toEqual(expected);
    });
  });

  it('reclaims a line whose holder never releases it once the lease runs out', async () => {
    await withGateWorker(1, { failureThreshold: 5, openMs: 60_000 }, async (taskQueue, account, client) => {
      const leaker = await client.workflow.start(lineHolderWorkflow, {
        taskQueue,
        workflowId: `${account}-leaker`,
        args: [account, 'high', 10, false, 2_000],
      });
      const leaked = await leaker.result();
      const next = await client.workflow.start(lineHolderWorkflow, { taskQueue, workflowId: `${account}-next`, args: [account, 'high', 10] });
      await waitFor(async () => (await gateStatus(client, account)).waitingTotal === 1);
      const { grantedAt } = await next.result();
      expect(grantedAt - leaked.grantedAt).toBeGreaterThanOrEqual(2_000);
      expect(grantedAt - leaked.grantedAt).toBeLessThan(5_000);
      expect((await gateStatus(client, account)).reclaimedTotal).toBe(1);
    });
  });
});

async function gateStatus(client: Client, account: string) {
  const { status } = await readLineGateStatus(client, account, 0, 2_000);
  return status;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // The gate may not exist yet.
    }
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
