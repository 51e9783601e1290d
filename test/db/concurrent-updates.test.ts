import mongoose from 'mongoose';
import { testDatabaseUri } from '../helpers/test-infra';

/**
 * FerretDB 1.24 on PostgreSQL hangs for good once as many updates run at once as its pool has
 * connections (docs/database.md). The URIs Ringline hands its processes for a FerretDB it started
 * carry a client pool limit that keeps them below that; this burst, larger than the pool, must finish.
 */
describe('a burst of concurrent updates on the local database', () => {
  let connection: mongoose.Connection;

  beforeAll(async () => {
    connection = await mongoose.createConnection(testDatabaseUri('concurrent-updates')).asPromise();
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  it('finishes 120 updates sent at once', async () => {
    const rows = connection.db!.collection<{ _id: string; n: number }>('burst');
    await rows.insertMany(Array.from({ length: 120 }, (_, i) => ({ _id: `row-${i}`, n: 0 })));
    await Promise.all(Array.from({ length: 120 }, (_, i) => rows.updateOne({ _id: `row-${i}` }, { $inc: { n: 1 } })));
    expect(await rows.countDocuments({ n: 1 })).toBe(120);
  }, 60_000);
});
