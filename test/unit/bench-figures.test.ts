import { percentile, rate } from '../../bench/figures';

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
});
