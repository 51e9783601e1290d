import { discardFerretDbStorage } from '../scripts/infra/ferretdb-storage';

export default async function globalTeardown(): Promise<void> {
  await Promise.all((globalThis.__RINGLINE_TEST_PROCESSES__ ?? []).map((p) => p.stop()));
  const storage = globalThis.__RINGLINE_TEST_STORAGE__;
  if (storage) await discardFerretDbStorage(storage);
}
