import { Client } from 'pg';

/** The machine's own PostgreSQL, as the brief's machines run it: loopback, trust auth. */
export const DEFAULT_LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function withClient<T>(adminUrl: string, run: (client: Client) => Promise<T>, timeoutMs = 2_000): Promise<T> {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: timeoutMs });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** True when `adminUrl` accepts a connection and a query; any failure (no server, auth refused) is false. */
export async function postgresReachable(adminUrl: string): Promise<boolean> {
  try {
    await withClient(adminUrl, (client) => client.query('select 1'), 1_000);
    return true;
  } catch {
    return false;
  }
}

/** Database names are built by Ringline itself; anything else is refused rather than quoted. */
function checkedName(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a safe PostgreSQL database name: ${name}`);
  return name;
}

export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database ${checkedName(name)}`);
  });
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, (client) => client.query(`drop database if exists ${checkedName(name)} with (force)`));
}

/** The same server and credentials as `adminUrl`, pointed at database `name`. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${checkedName(name)}`;
  return url.toString();
}
