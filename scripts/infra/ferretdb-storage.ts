import { DEFAULT_LOCAL_POSTGRES_URL, databaseUrl, ensureDatabase, postgresReachable } from './local-postgres';

/**
 * Where a local FerretDB keeps its data. On SQLite, FerretDB 1.x finds the document to update by
 * scanning the whole collection (measured: 80–140 ms per update at 10,000 documents, ~7 ms on
 * PostgreSQL at any size), so a campaign slows down as its call logs grow. The machine's PostgreSQL is
 * therefore preferred when it answers; SQLite needs nothing installed and stays the fallback.
 */
export type FerretDbStorage =
  | { kind: 'sqlite'; dataDir: string }
  | { kind: 'postgresql'; url: string; database: string; adminUrl: string; stateDir: string };

export type FerretDbBackendChoice = 'auto' | 'sqlite' | 'postgresql';

export function backendChoice(value: string | undefined): FerretDbBackendChoice {
  const choice = (value ?? 'auto').trim() || 'auto';
  if (choice === 'auto' || choice === 'sqlite' || choice === 'postgresql') return choice;
  throw new Error(`RINGLINE_DB_BACKEND must be auto, sqlite or postgresql, not "${value}"`);
}

/**
 * Picks the backend from RINGLINE_DB_BACKEND (auto | sqlite | postgresql) and RINGLINE_POSTGRES_URL
 * (an admin connection; default the loopback server), creating `database` there if it is missing.
 */
export async function chooseFerretDbStorage(options: {
  dataDir: string;
  database: string;
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
  await ensureDatabase(adminUrl, options.database);
  return { kind: 'postgresql', url: databaseUrl(adminUrl, options.database), database: options.database, adminUrl, stateDir: options.dataDir };
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
