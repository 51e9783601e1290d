import { percentile, percentiles } from '../../domain/analytics/percentiles';

describe('percentile (nearest rank)', () => {
  const ten = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
  it.each<[string, number[], number, number | null]>([
    ['no samples', [], 50, null],
    ['one sample, p50', [7], 50, 7],
    ['one sample, p99', [7], 99, 7],
    ['ten samples, p50 is the 5th', ten, 50, 50],
    ['ten samples, p90 is the 9th', ten, 90, 90],
    ['ten samples, p91 rounds up to the 10th', ten, 91, 100],
    ['ten samples, p99 is the 10th', ten, 99, 100],
    ['ten samples, p100 is the largest', ten, 100, 100],
    ['ten samples, p0 is the smallest', ten, 0, 10],
    ['four samples, p50 is the 2nd', [1, 2, 3, 4], 50, 2],
    ['four samples, p95 is the 4th', [1, 2, 3, 4], 95, 4],
  ])('%s', (_name, sorted, p, expected) => {
    expect(percentile(sorted, p)).toBe(expected);
  });
});

describe('percentiles', () => {
  it.each<[string, number[], Record<string, number | null>]>([
    ['sorts numerically, not as text', [100, 9, 20, 3], { p50: 9, p90: 100 }],
    ['keeps duplicates', [5, 5, 5, 1], { p50: 5, p90: 5 }],
    ['handles negatives', [-30, 10, -5], { p50: -5, p90: 10 }],
    ['is null for every percentile of nothing', [], { p50: null, p90: null }],
  ])('%s', (_name, samples, expected) => {
    expect(percentiles(samples, [50, 90])).toEqual(expected);
  });

  it('leaves the samples as they were', () => {
    const samples = [3, 1, 2];
    percentiles(samples, [50]);
    expect(samples).toEqual([3, 1, 2]);
  });
});
