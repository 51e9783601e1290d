import { exotelQueueRatePerSecond } from '../../domain/exotel-queue-rate';

describe('the Exotel queue rate for an account limit', () => {
  it.each([
    [200, 200 / 61],
    [61, 1],
    [6_100, 100],
  ])('%d requests/min → %d activities/s', (perMinute, perSecond) => {
    expect(exotelQueueRatePerSecond(perMinute)).toBeCloseTo(perSecond, 9);
  });

  it('keeps a full minute plus one second of burst within the limit', () => {
    for (const perMinute of [60, 200, 1_000, 12_000]) {
      const rate = exotelQueueRatePerSecond(perMinute);
      expect(rate * 60 + rate).toBeLessThanOrEqual(perMinute + 1e-9);
      expect(rate * 60).toBeGreaterThan(perMinute * 0.98);
    }
  });

  it.each([0, -5, Number.NaN])('refuses %p', (perMinute) => {
    expect(() => exotelQueueRatePerSecond(perMinute)).toThrow(RangeError);
  });
});
