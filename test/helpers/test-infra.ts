/**
 * Addresses of the Temporal dev server and database that jest's global setup started (or reused).
 * Global setup exports them as environment variables, which every test worker inherits.
 */
export interface TestInfra {
  temporalAddress: string;
  namespace: string;
  mongoUri: string;
  /** The run's PAYLOAD_KEYS: every test client, worker and Ringline config seals payloads with it. */
  payloadKeys: string;
}

export function testInfra(): TestInfra {
  const temporalAddress = process.env.RINGLINE_TEST_TEMPORAL_ADDRESS;
  const mongoBase = process.env.RINGLINE_TEST_MONGODB_URI;
  const payloadKeys = process.env.RINGLINE_TEST_PAYLOAD_KEYS;
  if (!temporalAddress || !mongoBase || !payloadKeys) throw new Error('test infrastructure not started: run tests through jest (global setup)');
  return { temporalAddress, namespace: 'default', mongoUri: mongoBase, payloadKeys };
}

/** A database name of its own per test file, so files running in parallel never see each other's rows. */
export function testDatabaseUri(label: string): string {
  const [address, query] = testInfra().mongoUri.split('?');
  const base = address.replace(/\/[^/]*$/, '');
  const name = `ringline_test_${label.replace(/[^a-zA-Z0-9]/g, '_')}_${process.pid}`.slice(0, 60);
  return query ? `${base}/${name}?${query}` : `${base}/${name}`;
}
