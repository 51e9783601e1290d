import { bucketBoundaries, bucketIndex, bucketStart, countBuckets, defaultBucket, type Bucket } from '../../domain/analytics/time-buckets';

const at = (iso: string) => new Date(iso);

describe('defaultBucket', () => {
  it.each<[string, string, string, Bucket]>([
    ['empty period', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z', 'hour'],
    ['one hour', '2026-11-01T00:00:00Z', '2026-11-01T01:00:00Z', 'hour'],
    ['exactly two days', '2026-11-01T00:00:00Z', '2026-11-03T00:00:00Z', 'hour'],
    ['two days and a second', '2026-11-01T00:00:00Z', '2026-11-03T00:00:01Z', 'day'],
    ['seven days', '2026-11-01T00:00:00Z', '2026-11-08T00:00:00Z', 'day'],
    ['exactly sixty days', '2026-11-01T00:00:00Z', '2026-12-31T00:00:00Z', 'day'],
    ['sixty days and a second', '2026-11-01T00:00:00Z', '2026-12-31T00:00:01Z', 'week'],
    ['a year', '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z', 'week'],
  ])('%s → %s', (_name, from, to, expected) => {
    expect(defaultBucket(at(from), at(to))).toBe(expected);
  });
});

describe('bucketStart (UTC)', () => {
  it.each<[string, Bucket, string]>([
    ['2026-11-23T10:45:12.345Z', 'hour', '2026-11-23T10:00:00.000Z'],
    ['2026-11-23T10:45:12.345Z', 'day', '2026-11-23T00:00:00.000Z'],
    // 2026-11-23 is a Monday: its week starts that day; Sunday the 29th still belongs to it.
    ['2026-11-23T10:45:12.345Z', 'week', '2026-11-23T00:00:00.000Z'],
    ['2026-11-29T23:59:59.999Z', 'week', '2026-11-23T00:00:00.000Z'],
    ['2026-11-30T00:00:00.000Z', 'week', '2026-11-30T00:00:00.000Z'],
    ['2027-01-01T12:00:00.000Z', 'week', '2026-12-28T00:00:00.000Z'],
    // An instant written with an offset is bucketed by its UTC time.
    ['2026-11-24T02:00:00+05:30', 'day', '2026-11-23T00:00:00.000Z'],
  ])('%s by %s → %s', (instant, bucket, expected) => {
    expect(bucketStart(at(instant), bucket).toISOString()).toBe(expected);
  });
});

describe('countBuckets and bucketBoundaries', () => {
  it.each<[string, string, string, Bucket, number]>([
    ['empty period', '2026-11-01T10:30:00Z', '2026-11-01T10:30:00Z', 'hour', 0],
    ['backwards period', '2026-11-02T00:00:00Z', '2026-11-01T00:00:00Z', 'day', 0],
    ['aligned hours', '2026-11-01T00:00:00Z', '2026-11-01T03:00:00Z', 'hour', 3],
    ['unaligned hours widen to whole buckets', '2026-11-01T00:30:00Z', '2026-11-01T03:00:01Z', 'hour', 4],
    ['one instant inside an hour', '2026-11-01T00:30:00Z', '2026-11-01T00:30:01Z', 'hour', 1],
    ['seven days', '2026-11-16T10:30:00Z', '2026-11-23T10:30:00Z', 'day', 8],
    ['two weeks from a Wednesday', '2026-11-25T00:00:00Z', '2026-12-09T00:00:00Z', 'week', 3],
    ['a thousand hours', '2026-11-01T00:00:00Z', '2026-12-12T16:00:00Z', 'hour', 1000],
  ])('%s', (_name, from, to, bucket, count) => {
    expect(countBuckets(at(from), at(to), bucket)).toBe(count);
    expect(bucketBoundaries(at(from), at(to), bucket)).toHaveLength(count);
  });

  it('lists contiguous buckets from the start of the first', () => {
    const bounds = bucketBoundaries(at('2026-11-25T12:00:00Z'), at('2026-12-01T00:00:00Z'), 'week');
    expect(bounds.map(({ start, end }) => [start.toISOString(), end.toISOString()])).toEqual([
      ['2026-11-23T00:00:00.000Z', '2026-11-30T00:00:00.000Z'],
      ['2026-11-30T00:00:00.000Z', '2026-12-07T00:00:00.000Z'],
    ]);
  });
});

describe('bucketIndex', () => {
  const first = at('2026-11-23T00:00:00Z');
  it.each<[string, Bucket, number]>([
    ['2026-11-23T00:00:00Z', 'hour', 0],
    ['2026-11-23T00:59:59.999Z', 'hour', 0],
    ['2026-11-23T01:00:00Z', 'hour', 1],
    ['2026-11-24T05:00:00Z', 'day', 1],
    ['2026-12-06T23:59:59Z', 'week', 1],
    ['2026-11-22T23:59:59Z', 'day', -1],
  ])('%s by %s → %i', (instant, bucket, expected) => {
    expect(bucketIndex(at(instant), first, bucket)).toBe(expected);
  });
});
