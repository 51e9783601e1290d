/**
 * The Exotel task queue's activities-per-second for an account limit of `requestsPerMinute`. Exotel
 * counts requests in a minute; Temporal's task-queue limiter is a token bucket that also lets one
 * second's worth through at once, so a plain limit/60 overshoots a minute by that burst (measured: 3
 * requests answered 429 in a 300-call run at 200/min). One second of headroom keeps any minute at or
 * under the limit for the price of 1/61 of the rate.
 */
export function exotelQueueRatePerSecond(requestsPerMinute: number): number {
  if (!Number.isFinite(requestsPerMinute) || requestsPerMinute <= 0) {
    throw new RangeError(`requestsPerMinute must be a positive number, not ${requestsPerMinute}`);
  }
  return requestsPerMinute / 61;
}
