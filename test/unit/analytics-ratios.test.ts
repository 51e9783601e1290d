import { mean, rate, roundTo } from '../../domain/analytics/ratios';

describe('rate', () => {
  it.each<[number, number, number]>([
    [0, 0, 0],
    [5, 0, 0],
    [0, 4, 0],
    [1, 4, 0.25],
    [2, 3, 0.667],
    [1, 3, 0.333],
    [3, 3, 1],
    [1, 8, 0.125],
  ])('%i / %i → %d', (part, whole, expected) => {
    expect(rate(part, whole)).toBe(expected);
  });
});

describe('mean', () => {
  it.each<[number, number, number | null]>([
    [0, 0, null],
    [10, 0, null],
    [10, 4, 2.5],
    [10, 3, 3.33],
    [2, 3, 0.67],
    [0, 5, 0],
  ])('%d over %i → %p', (total, count, expected) => {
    expect(mean(total, count)).toBe(expected);
  });
});

describe('roundTo', () => {
  it.each<[number, number, number]>([
    [0.1 + 0.2, 4, 0.3],
    [1.23456, 2, 1.23],
    [1.235, 1, 1.2],
    [2.5, 0, 3],
    [12345.67891, 4, 12345.6789],
  ])('%d to %i digits → %d', (value, digits, expected) => {
    expect(roundTo(value, digits)).toBe(expected);
  });
});
