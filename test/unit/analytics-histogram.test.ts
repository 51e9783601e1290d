import { histogram } from '../../domain/analytics/histogram';

describe('histogram', () => {
  it.each([
    ['no samples: every bin empty', [], 100, 3, [0, 0, 0]],
    ['a value on an edge belongs to the bin it starts', [0, 99, 100, 199, 200], 100, 4, [2, 2, 1, 0]],
    ['outliers share the last, open bin', [50, 250, 5_000, 99_999], 100, 3, [1, 0, 3]],
    ['negative values (clock skew) count in the first bin', [-5, 10], 100, 2, [2, 0]],
  ])('%s', (_name, samples, width, bins, counts) => {
    const result = histogram(samples, width, bins);
    expect(result.map((bin) => bin.count)).toEqual(counts);
    expect(result[0].fromMs).toBe(0);
    expect(result[result.length - 1].toMs).toBeNull();
    expect(result.slice(0, -1).every((bin, i) => bin.toMs === (i + 1) * width)).toBe(true);
  });
});
