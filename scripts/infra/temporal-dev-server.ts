import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { ManagedProcess } from './managed-process';
import { temporalCliPath } from './tool-paths';
import { waitUntil } from './wait-until';

export interface TemporalDevServerOptions {
  port: number;
  /** Omit for a headless server (tests). */
  uiPort?: number;
  /** Where the Web UI sends payloads to be decoded (the stack's codec server). */
  uiCodecEndpoint?: string;
  /** Omit for an in-memory server whose state dies with it (tests). */
  dbFile?: string;
  namespace: string;
  output?: (line: string) => void;
}

export function temporalDevServerArgs(options: TemporalDevServerOptions): string[] {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port)];
  args.push('--namespace', options.namespace, '--log-level', 'error');
  args.push(...(options.uiPort ? ['--ui-port', String(options.uiPort)] : ['--headless']));
  if (options.uiPort && options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  // The dev server asks an outside host for version news by default; this machine has no business there.
  args.push('--dynamic-config-value', 'frontend.enableServerVersionCheck=false');
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);
  return args;
}

export function startTemporalDevServer(options: TemporalDevServerOptions): ManagedProcess {
  // The dev server refuses to start when the directory of its database file is missing.
  if (options.dbFile) mkdirSync(path.dirname(options.dbFile), { recursive: true });
  return new ManagedProcess({
    name: 'temporal',
    command: temporalCliPath(),
    args: temporalDevServerArgs(options),
    output: options.output,
  });
}

/** Ready means: the namespace answers and every Ringline search attribute is registered in it. */
export async function waitForTemporal(address: string, namespace: string, timeoutMs = 60_000): Promise<void> {
  await waitUntil(
    `Temporal at ${address}`,
    async () => {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
        const missing = Object.keys(SEARCH_ATTRIBUTES).filter((name) => !(name in (customAttributes ?? {})));
        if (missing.length > 0) throw new Error(`search attributes not registered yet: ${missing.join(', ')}`);
        return true;
      } finally {
        await connection.close();
      }
    },
    { timeoutMs },
  );
}
