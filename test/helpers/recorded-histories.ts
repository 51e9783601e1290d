import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

export interface RecordedWorkflow {
  name: string;
  workflowId: string;
}

/**
 * With `RINGLINE_RECORD_HISTORIES=1`, saves each workflow's history as a replay fixture
 * (test/fixtures/histories/<name>.json), which test/workflows/replay.test.ts replays against today's code.
 */
export async function saveRecordedHistories(client: Client, recorded: readonly RecordedWorkflow[]): Promise<void> {
  if (!process.env.RINGLINE_RECORD_HISTORIES) return;
  for (const { name, workflowId } of recorded) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    writeFileSync(path.join(__dirname, '../fixtures/histories', `${name}.json`), `${historyToJSON(history)}\n`);
  }
}
