import { createLogger } from '../../lib/logger';
import { WarmPool, type WarmConnection } from '../../media-server/prewarm/warm-pool';

class FakeConnection implements WarmConnection {
  alive = true;
  closed = false;
  close(): void {
    this.closed = true;
    this.alive = false;
  }
}

/** A pool whose connections open when the test says so, on a clock the test moves. */
function poolUnderTest() {
  const pending: { resolve: (c: FakeConnection) => void; reject: (err: Error) => void }[] = [];
  const clock = { now: 0 };
  const pool = new WarmPool<FakeConnection>(
    'test',
    () => new Promise<FakeConnection>((resolve, reject) => pending.push({ resolve, reject })),
    createLogger('test', { level: 'silent' }),
    () => clock.now,
  );
  const openAll = async () => {
    const made = pending.splice(0).map((p) => {
      const connection = new FakeConnection();
      p.resolve(connection);
      return connection;
    });
    await Promise.resolve();
    return made;
  };
  return { pool, pending, clock, openAll };
}

describe('WarmPool', () => {
  it('opens up to its size and hands out ready connections, oldest first, without waiting', async () => {
    const { pool, pending, clock, openAll } = poolUnderTest();
    pool.maintain(2, 60_000);
    expect(pending).toHaveLength(2);
    expect(pool.take()).toBeUndefined();
    const [first, second] = await openAll();
    clock.now = 10;
    expect(pool.take()).toBe(first);
    expect(pool.take()).toBe(second);
    expect(pool.take()).toBeUndefined();
    expect(pool.status()).toMatchObject({ hits: 2, misses: 2, ready: 0, opened: 2 });
  });

  it('never hands out a connection that died since the last maintenance, and replaces it', async () => {
    const { pool, pending, openAll } = poolUnderTest();
    pool.maintain(1, 60_000);
    const [connection] = await openAll();
    connection.alive = false;
    expect(pool.take()).toBeUndefined();
    pool.maintain(1, 60_000);
    expect(pool.status().discarded.dead).toBe(1);
    expect(connection.closed).toBe(true);
    expect(pending).toHaveLength(1);
  });

  it('closes and replaces a connection no call took within the refresh interval', async () => {
    const { pool, pending, clock, openAll } = poolUnderTest();
    pool.maintain(1, 1_000);
    const [old] = await openAll();
    clock.now = 1_000;
    expect(pool.take()).toBeUndefined();
    pool.maintain(1, 1_000);
    expect(old.closed).toBe(true);
    expect(pool.status().discarded.expired).toBe(1);
    expect(pending).toHaveLength(1);
  });

  it('on stop closes its ready connections, and those still opening as they open', async () => {
    const { pool, openAll, pending } = poolUnderTest();
    pool.maintain(1, 60_000);
    const [ready] = await openAll();
    pool.maintain(2, 60_000);
    expect(pending).toHaveLength(1);
    pool.stop();
    expect(ready.closed).toBe(true);
    const [late] = await openAll();
    expect(late.closed).toBe(true);
    expect(pool.take()).toBeUndefined();
    expect(pool.status()).toMatchObject({ size: 0, ready: 0, opening: 0, discarded: { stopped: 2 } });
  });

  it('counts a connection that failed to open and tries again at the next maintenance', async () => {
    const { pool, pending } = poolUnderTest();
    pool.maintain(1, 60_000);
    pending.splice(0)[0].reject(new Error('refused'));
    await Promise.resolve();
    await Promise.resolve();
    expect(pool.status()).toMatchObject({ openFailures: 1, opening: 0 });
    pool.maintain(1, 60_000);
    expect(pending).toHaveLength(1);
  });
});
