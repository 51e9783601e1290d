import { rmSync } from 'node:fs';
import { dropDatabase } from '../scripts/infra/local-postgres';

export default async function globalTeardown(): Promise<void> {
  await Promise.all((globalThis.__RINGLINE_TEST_PROCESSES__ ?? []).map((p) => p.stop()));
  for (const dir of globalThis.__RINGLINE_TEST_DIRS__ ?? []) rmSync(dir, { recursive: true, force: true });
  const postgres = globalThis.__RINGLINE_TEST_POSTGRES__;
  if (postgres) await dropDatabase(postgres.adminUrl, postgres.database);
}
