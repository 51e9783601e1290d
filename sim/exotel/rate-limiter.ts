const WINDOW_MS = 60_000;

/**
 * Exotel's "200 requests per minute per account" as a sliding window: a request is admitted when
 * fewer than `perMinute` admitted requests of the same account fall within the last 60 seconds.
 * A sliding window is the stricter reading (no burst of 2x the limit across a minute boundary), so a
 * client that passes here also passes a fixed-window limiter. Rejected requests do not use up quota.
 */
export class SlidingWindowRateLimiter {
  private readonly admitted = new Map<string, number[]>();

  /** `perMinute` 0 means unlimited. */
  constructor(private readonly perMinute: number) {}

  tryAdmit(account: string, now: number = Date.now()): boolean {
    if (this.perMinute === 0) return true;
    const recent = (this.admitted.get(account) ?? []).filter((at) => at > now - WINDOW_MS);
    const admit = recent.length < this.perMinute;
    if (admit) recent.push(now);
    this.admitted.set(account, recent);
    return admit;
  }

  reset(): void {
    this.admitted.clear();
  }
}
