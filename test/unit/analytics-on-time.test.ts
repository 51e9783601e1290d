import { isOnTime } from '../../domain/analytics/on-time';

describe('isOnTime (within 60 s of the effective time)', () => {
  const effectiveAt = new Date('2026-11-23T10:00:00.000Z');
  it.each<[string, string, boolean]>([
    ['exactly on time', '2026-11-23T10:00:00.000Z', true],
    ['59 s late', '2026-11-23T10:00:59.000Z', true],
    ['60 s late', '2026-11-23T10:01:00.000Z', true],
    ['60.001 s late', '2026-11-23T10:01:00.001Z', false],
    ['an hour late', '2026-11-23T11:00:00.000Z', false],
    ['30 s early', '2026-11-23T09:59:30.000Z', true],
    ['61 s early', '2026-11-23T09:58:59.000Z', false],
  ])('%s', (_name, dialedAt, expected) => {
    expect(isOnTime(effectiveAt, new Date(dialedAt))).toBe(expected);
  });
});
