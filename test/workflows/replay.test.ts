import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';

/**
 * Recorded histories of real call workflows, replayed against today's workflow code: a change that
 * would break executions already running (non-determinism) fails here, and must go behind patched().
 * Record new fixtures with `RINGLINE_RECORD_HISTORIES=1 npx jest test/workflows/call-lifecycle` (and
 * test/workflows/scheduled-calls, test/workflows/recurrence); keep the old ones, which stand for
 * executions started by earlier versions.
 */
const dir = path.join(__dirname, '../fixtures/histories');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('replay of recorded histories', () => {
  it('has fixtures to replay', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(3);
  });

  it.each(fixtures)('%s replays deterministically', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
    await expect(
      Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, history, file.replace(/\.json$/, '')),
    ).resolves.toBeUndefined();
  });
});
