import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFerretDb, waitForMongo } from '../scripts/infra/ferretdb';
import { chooseFerretDbStorage, describeStorage, type FerretDbStorage, withLocalClientPoolLimit } from '../scripts/infra/ferretdb-storage';
import { freePort } from '../scripts/infra/free-port';
import type { ManagedProcess } from '../scripts/infra/managed-process';
import { startTemporalDevServer, waitForTemporal } from '../scripts/infra/temporal-dev-server';
import { generatePayloadKeysSetting } from '../lib/payload-codec';

declare global {
  var __RINGLINE_TEST_PROCESSES__: ManagedProcess[] | undefined;
  var __RINGLINE_TEST_STORAGE__: FerretDbStorage | undefined;
}

/**
 * Starts a headless, in-memory Temporal dev server and a FerretDB (on the machine's PostgreSQL when it
 * answers, else SQLite; see ferretdb-storage.ts) on free ports for the whole run,
 * unless RINGLINE_TEST_TEMPORAL_ADDRESS / RINGLINE_TEST_MONGODB_URI point at servers to reuse.
 * Server output is kept quiet unless RINGLINE_TEST_VERBOSE is set. One payload keyring
 * (RINGLINE_TEST_PAYLOAD_KEYS) serves the whole run, so every test's clients, workers and spawned
 * processes read each other's payloads.
 */
export default async function globalSetup(): Promise<void> {
  const processes: ManagedProcess[] = [];
  globalThis.__RINGLINE_TEST_PROCESSES__ = processes;
  const output = process.env.RINGLINE_TEST_VERBOSE ? undefined : () => undefined;
  process.env.RINGLINE_TEST_PAYLOAD_KEYS ??= generatePayloadKeysSetting('test');

  const pending: Promise<void>[] = [];
  if (!process.env.RINGLINE_TEST_TEMPORAL_ADDRESS) {
    const port = await freePort();
    processes.push(startTemporalDevServer({ port, namespace: 'default', output }));
    process.env.RINGLINE_TEST_TEMPORAL_ADDRESS = `127.0.0.1:${port}`;
  }
  pending.push(waitForTemporal(process.env.RINGLINE_TEST_TEMPORAL_ADDRESS, 'default'));

  if (!process.env.RINGLINE_TEST_MONGODB_URI) {
    const [port, debugPort] = [await freePort(), await freePort()];
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ringline-test-db-'));
    const storage = await chooseFerretDbStorage({ dataDir, database: `ringline_test_${process.pid}_${Date.now().toString(36)}` });
    globalThis.__RINGLINE_TEST_STORAGE__ = storage;
    if (process.env.RINGLINE_TEST_VERBOSE) process.stderr.write(`test database: ${describeStorage(storage)}\n`);
    processes.push(startFerretDb({ port, debugPort, storage, output }));
    process.env.RINGLINE_TEST_MONGODB_URI = withLocalClientPoolLimit(`mongodb://127.0.0.1:${port}/ringline_test`);
  }
  pending.push(waitForMongo(process.env.RINGLINE_TEST_MONGODB_URI));

  try {
    await Promise.all(pending);
  } catch (err) {
    await Promise.all(processes.map((p) => p.stop()));
    throw err;
  }
}
