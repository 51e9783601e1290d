import { ConcurrencyLimiter } from '../../media-server/pipeline/concurrency-limiter';

describe('ConcurrencyLimiter', () => {
  it('hands out places up to its limit, then none until one is given back', () => {
    const limiter = new ConcurrencyLimiter(2);
    const first = limiter.tryAcquire();
    const second = limiter.tryAcquire();
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(limiter.tryAcquire()).toBeUndefined();
    expect(limiter.inUse).toBe(2);
    first?.();
    expect(limiter.inUse).toBe(1);
    const third = limiter.tryAcquire();
    expect(third).toBeDefined();
    expect(limiter.tryAcquire()).toBeUndefined();
  });

  it('counts a place given back twice once', () => {
    const limiter = new ConcurrencyLimiter(1);
    const release = limiter.tryAcquire() as () => void;
    release();
    release();
    expect(limiter.inUse).toBe(0);
    expect(limiter.tryAcquire()).toBeDefined();
    expect(limiter.tryAcquire()).toBeUndefined();
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a limit of %p', (limit) => {
    expect(() => new ConcurrencyLimiter(limit)).toThrow('positive integer');
  });
});
