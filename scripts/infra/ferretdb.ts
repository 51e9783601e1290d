import { mkdirSync } from 'node:fs';
import mongoose from 'mongoose';
import type { FerretDbStorage } from './ferretdb-storage';
import { ManagedProcess } from './managed-process';
import { ferretDbPath } from './tool-paths';
import { waitUntil } from './wait-until';

export interface FerretDbOptions {
  port: number;
  storage: FerretDbStorage;
  /** FerretDB's own metrics/pprof listener; each instance needs its own or they collide. */
  debugPort: number;
  output?: (line: string) => void;
}

export function ferretDbArgs(options: FerretDbOptions): string[] {
  const storage = options.storage;
  const backend =
    storage.kind === 'sqlite'
      ? ['--handler=sqlite', `--sqlite-url=file:${storage.dataDir}/`, `--state-dir=${storage.dataDir}`]
      : ['--handler=postgresql', `--postgresql-url=${storage.url}`, `--state-dir=${storage.dataDir}`];
  return [
    ...backend,
    `--listen-addr=127.0.0.1:${options.port}`,
    `--debug-addr=127.0.0.1:${options.debugPort}`,
    // FerretDB reports to an outside beacon unless told not to.
    '--telemetry=disable',
    '--log-level=ERROR',
  ];
}

export function startFerretDb(options: FerretDbOptions): ManagedProcess {
  mkdirSync(options.storage.dataDir, { recursive: true });
  return new ManagedProcess({ name: 'database', command: ferretDbPath(), args: ferretDbArgs(options), output: options.output });
}

export async function waitForMongo(uri: string, timeoutMs = 30_000): Promise<void> {
  await waitUntil(
    `database at ${uri}`,
    async () => {
      const connection = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 1_000 }).asPromise();
      try {
        await connection.db!.admin().command({ ping: 1 });
        return true;
      } finally {
        await connection.close();
      }
    },
    { timeoutMs },
  );
}
