import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { ENCRYPTED_ENCODING } from '../../lib/payload-codec';
import { testDataConverter } from './temporal-test-env';

export interface RecordedWorkflow {
  name: string;
  workflowId: string;
}

interface JsonPayload {
  metadata: Record<string, string>;
  data?: string;
}

const ENCRYPTED = Buffer.from(ENCRYPTED_ENCODING, 'utf8').toString('base64');

/**
 * With `RINGLINE_RECORD_HISTORIES=1`, saves each workflow's history as a replay fixture
 * (test/fixtures/histories/<name>.json), which test/workflows/replay.test.ts replays against today's code.
 * Payloads are saved decoded: the run's keys are thrown away with it, and a committed fixture must not
 * need a key to replay.
 */
export async function saveRecordedHistories(client: Client, recorded: readonly RecordedWorkflow[]): Promise<void> {
  if (!process.env.RINGLINE_RECORD_HISTORIES) return;
  for (const { name, workflowId } of recorded) {
    const history = JSON.parse(historyToJSON(await client.workflow.getHandle(workflowId).fetchHistory())) as unknown;
    await decodePayloads(history);
    writeFileSync(path.join(__dirname, '../fixtures/histories', `${name}.json`), `${JSON.stringify(history, null, 2)}\n`);
  }
}

async function decodePayloads(node: unknown): Promise<void> {
  if (Array.isArray(node)) {
    for (const item of node) await decodePayloads(item);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  if (isEncryptedPayload(record)) {
    const [decoded] = await decode({
      metadata: Object.fromEntries(Object.entries(record.metadata).map(([key, value]) => [key, Buffer.from(value, 'base64')])),
      data: Buffer.from(record.data ?? '', 'base64'),
    });
    record.metadata = Object.fromEntries(Object.entries(decoded.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]));
    record.data = Buffer.from(decoded.data ?? new Uint8Array()).toString('base64');
    return;
  }
  for (const value of Object.values(record)) await decodePayloads(value);
}

function isEncryptedPayload(node: Record<string, unknown>): node is Record<string, unknown> & JsonPayload {
  const metadata = node.metadata as Record<string, unknown> | undefined;
  return typeof metadata === 'object' && metadata !== null && metadata.encoding === ENCRYPTED;
}

async function decode(payload: Payload): Promise<Payload[]> {
  let payloads = [payload];
  for (const codec of [...(testDataConverter().payloadCodecs ?? [])].reverse()) payloads = await codec.decode(payloads);
  return payloads;
}
