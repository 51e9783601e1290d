import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';

/**
 * Recorded histories of real workflows, replayed against today's workflow code: a change that would
 * break executions already running (non-determinism) fails here. The top folder holds histories of
 * today's code, re-recorded whenever it changes (`RINGLINE_RECORD_HISTORIES=1 npx jest
 * test/workflows/call-lifecycle test/workflows/scheduled-calls test/workflows/recurrence
 * test/workflows/campaign test/api/outcome-webhooks`); each released version's histories are kept in a folder of their own
 * (test/fixtures/histories/<version>/) for as long as docs/operations.md's patch policy says.
 */
const dir = path.join(__dirname, '../fixtures/histories');
const fixtures = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'));

describe('replay of recorded histories', () => {
  it('has a fixture of every workflow type', () => {
    const types = new Set(fixtures.map((f) => workflowTypeOf(JSON.parse(readFileSync(path.join(dir, f), 'utf8')))));
    expect([...types].sort()).toEqual(['callWorkflow', 'campaignWorkflow', 'lineGateWorkflow', 'outcomeWebhooksWorkflow', 'recurrenceWorkflow', 'retentionWorkflow']);
  });

  it.each(fixtures)('%s replays deterministically', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
    await expect(
      Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, history, file.replace(/\.json$/, '')),
    ).resolves.toBeUndefined();
  });
});

function workflowTypeOf(history: { events: { workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }[] }): string | undefined {
  return history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
}
