import { rmSync } from 'node:fs';
import { prepareIdLookups } from './ferretdb-id-lookups';
import { DEFAULT_LOCAL_POSTGRES_URL, databaseUrl, dropDatabase, ensureDatabase, postgresReachable } from './local-postgres';

/**
 * FerretDB 1.24's PostgreSQL backend keeps a pooled connection open for an update's cursor while the
 * update itself takes a second one: once as many updates run at once as the pool has connections, each
 * waits for another's and every one hangs (seen at 64 concurrent calls with the default pool of 50).
 * So the pool is made larger and every client of a FerretDB we start is held to a few connections
 * (one operation each at a time): a stack's processes together stay under half the pool.
 */
export const FERRETDB_POSTGRES_POOL_CONNECTIONS = 80;
export const LOCAL_CLIENT_POOL_SIZE = 10;

/** `uri` with the client pool limit above, unless it already names one. */
export function withLocalClientPoolLimit(uri: string): string {
  if (/[?&]maxPoolSize=/i.test(uri)) return uri;
  return `${uri}${uri.includes('?') ? '&' : '?'}maxPoolSize=${LOCAL_CLIENT_POOL_SIZE}`;
}

/**
 * Where a local FerretDB keeps its data. On SQLite, FerretDB 1.x finds the document to update by
 * scanning the whole collection (measured: 80–140 ms per update at 10,000 documents, ~7 ms on
 * PostgreSQL at any size), so a campaign slows down as its call logs grow. The machine's PostgreSQL is
 * therefore preferred when it answers; SQLite needs nothing installed and stays the fallback.
 */
export type FerretDbStorage =
  /** `dataDir` holds FerretDB's state, and on SQLite its database files too. */
  | { kind: 'sqlite'; dataDir: string }
  | { kind: 'postgresql'; url: string; database: string; adminUrl: string; dataDir: string };

export type FerretDbBackendChoice = 'auto' | 'sqlite' | 'postgresql';

export function backendChoice(value: string | undefined): FerretDbBackendChoice {
  const choice = (value ?? 'auto').trim() || 'auto';
  if (choice === 'auto' || choice === 'sqlite' || choice === 'postgresql') return choice;
  throw new Error(`RINGLINE_DB_BACKEND must be auto, sqlite or postgresql, not "${value}"`);
}

/**
 * Picks the backend from RINGLINE_DB_BACKEND (auto | sqlite | postgresql) and RINGLINE_POSTGRES_URL
 * (an admin connection; default the loopback server), creating `database` there if it is missing, or
 * anew when `startEmpty` says the data that belonged with it is gone.
 */
export async function chooseFerretDbStorage(options: {
  dataDir: string;
  database: string;
  startEmpty?: boolean;
  env?: NodeJS.ProcessEnv;
}): Promise<FerretDbStorage> {
  const env = options.env ?? process.env;
  const choice = backendChoice(env.RINGLINE_DB_BACKEND);
  const adminUrl = env.RINGLINE_POSTGRES_URL || DEFAULT_LOCAL_POSTGRES_URL;
  if (choice === 'sqlite') return { kind: 'sqlite', dataDir: options.dataDir };
  if (!(await postgresReachable(adminUrl))) {
    if (choice === 'postgresql') {
      throw new Error(`RINGLINE_DB_BACKEND=postgresql but PostgreSQL at ${redacted(adminUrl)} does not answer`);
    }
    return { kind: 'sqlite', dataDir: options.dataDir };
  }
  if (options.startEmpty) await dropDatabase(adminUrl, options.database);
  await ensureDatabase(adminUrl, options.database);
  await prepareIdLookups(adminUrl, options.database);
  const url = new URL(databaseUrl(adminUrl, options.database));
  url.searchParams.set('pool_max_conns', String(FERRETDB_POSTGRES_POOL_CONNECTIONS));
  return { kind: 'postgresql', url: url.toString(), database: options.database, adminUrl, dataDir: options.dataDir };
}

/** Removes a throwaway FerretDB's data: its directory and, on PostgreSQL, its database. */
export async function discardFerretDbStorage(storage: FerretDbStorage): Promise<void> {
  rmSync(storage.dataDir, { recursive: true, force: true });
  if (storage.kind === 'postgresql') await dropDatabase(storage.adminUrl, storage.database);
}

export function describeStorage(storage: FerretDbStorage): string {
  return storage.kind === 'sqlite'
    ? `FerretDB on SQLite, ${storage.dataDir}`
    : `FerretDB on PostgreSQL, database ${storage.database} at ${redacted(storage.url)}`;
}

function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
