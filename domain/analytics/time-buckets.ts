import { DateTime } from 'luxon';

export const BUCKETS = ['hour', 'day', 'week'] as const;
export type Bucket = (typeof BUCKETS)[number];

/** More buckets than this would be a chart nobody can read and a response nobody should build. */
export const MAX_BUCKETS = 1000;

const HOUR_MS = 3_600_000;
/** Buckets are in UTC, where every hour, day and week has the same length (no daylight saving). */
const BUCKET_MS: Record<Bucket, number> = { hour: HOUR_MS, day: 24 * HOUR_MS, week: 7 * 24 * HOUR_MS };

export interface BucketBounds {
  start: Date;
  end: Date;
}

/** Hours up to two days, days up to sixty, weeks beyond: a readable number of points at any range. */
export function defaultBucket(from: Date, to: Date): Bucket {
  const span = to.getTime() - from.getTime();
  if (span <= 2 * BUCKET_MS.day) return 'hour';
  if (span <= 60 * BUCKET_MS.day) return 'day';
  return 'week';
}

/** The UTC start of the bucket holding `at`; weeks start on Monday (ISO weeks). */
export function bucketStart(at: Date, bucket: Bucket): Date {
  return DateTime.fromJSDate(at, { zone: 'utc' }).startOf(bucket).toJSDate();
}

/** How many buckets cover [from, to), counted without building them, so a huge range is refused cheaply. */
export function countBuckets(from: Date, to: Date, bucket: Bucket): number {
  if (to.getTime() <= from.getTime()) return 0;
  return Math.ceil((to.getTime() - bucketStart(from, bucket).getTime()) / BUCKET_MS[bucket]);
}

/** The buckets covering [from, to); the first may start before `from` and the last end after `to`. */
export function bucketBoundaries(from: Date, to: Date, bucket: Bucket): BucketBounds[] {
  const first = bucketStart(from, bucket).getTime();
  return Array.from({ length: countBuckets(from, to, bucket) }, (_, index) => ({
    start: new Date(first + index * BUCKET_MS[bucket]),
    end: new Date(first + (index + 1) * BUCKET_MS[bucket]),
  }));
}

/** Which of the buckets starting at `firstStart` holds `at`; arithmetic, since UTC buckets have fixed lengths. */
export function bucketIndex(at: Date, firstStart: Date, bucket: Bucket): number {
  return Math.floor((at.getTime() - firstStart.getTime()) / BUCKET_MS[bucket]);
}
