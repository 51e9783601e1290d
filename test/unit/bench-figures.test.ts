import { limitedRunSummary, maxInWindow, percentile, rate, steadyRate } from '../../bench/figures';

describe('benchmark figures', () => {
  it.each([
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99, 10],
    [[10, 1, 5], 50, 5],
    [[7], 99, 7],
  ])('percentile(%j, %i) = %i', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it('has no percentile of nothing', () => {
    expect(percentile([], 50)).toBeNaN();
  });

  it('measures a rate between the first and last event', () => {
    expect(rate([0, 500, 1000, 1500, 2000])).toBe(2);
    expect(rate([5])).toBe(0);
  });

  it('leaves a slow tail out of the steady rate but not out of the whole-run rate', () => {
    const steady = Array.from({ length: 18 }, (_, i) => i * 100);
    const withTail = [...steady, 10_000, 20_000];
    expect(steadyRate(withTail)).toBeCloseTo(10);
    expect(rate(withTail)).toBeCloseTo(19 / 20);
    expect(steadyRate([0, 100])).toBe(10);
  });

  it.each([
    [[], 1000, 0],
    [[0], 1000, 1],
    [[0, 999, 1000], 1000, 2],
    [[0, 10, 20, 5000, 5001, 5002, 5003], 1000, 4],
    [[0, 500, 1000, 1500], 1001, 3],
  ])('maxInWindow(%j, %i) = %i', (times, windowMs, expected) => {
    expect(maxInWindow(times, windowMs)).toBe(expected);
  });

  it('sets a limited run against its limit: whole run, steady middle, busiest minute', () => {
    const dials = [...Array.from({ length: 100 }, (_, i) => i * 300), 60_000];
    expect(limitedRunSummary(dials, 2, 200)).toEqual({
      limitedRatioToLimit: 0.5,
      limitedSteadyPerMin: 200,
      limitedSteadyRatioToLimit: 1,
      limitedMaxIn60s: 100,
      limited429s: 2,
    });
  });
});
