import { mkdirSync } from 'node:fs';
import mongoose from 'mongoose';
import { ManagedProcess } from './managed-process';
import { ferretDbPath } from './tool-paths';
import { waitUntil } from './wait-until';

export interface FerretDbOptions {
  port: number;
  /** Directory for FerretDB's SQLite files and its state. */
  dataDir: string;
  /** FerretDB's own metrics/pprof listener; each instance needs its own or they collide. */
  debugPort: number;
  output?: (line: string) => void;
}

export function ferretDbArgs(options: FerretDbOptions): string[] {
  return [
    '--handler=sqlite',
    `--sqlite-url=file:${options.dataDir}/`,
    `--state-dir=${options.dataDir}`,
    `--listen-addr=127.0.0.1:${options.port}`,
    `--debug-addr=127.0.0.1:${options.debugPort}`,
    // FerretDB reports to an outside beacon unless told not to.
    '--telemetry=disable',
    '--log-level=ERROR',
  ];
}

export function startFerretDb(options: FerretDbOptions): ManagedProcess {
  mkdirSync(options.dataDir, { recursive: true });
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
