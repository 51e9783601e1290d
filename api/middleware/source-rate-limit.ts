import type { RequestHandler } from 'express';
import { ApiError } from '../api-error';

const WINDOW_MS = 60_000;
/** Beyond this many distinct addresses in one window, the oldest window is dropped early (memory bound). */
const MAX_TRACKED_SOURCES = 100_000;

/**
 * Requests per source address and minute, counted in this process (fixed one-minute windows). It
 * guards the unauthenticated-by-key Exotel endpoints from floods and signature guessing; behind a
 * proxy the source is what express's `trust proxy` setting makes of X-Forwarded-For. Several API
 * instances each count on their own, so the effective limit is per instance.
 */
export function sourceRateLimit(limitPerMinute: number, now: () => number = Date.now): RequestHandler {
  let windowStart = now();
  let counts = new Map<string, number>();
  return (req, res, next) => {
    const at = now();
    if (at - windowStart >= WINDOW_MS || counts.size >= MAX_TRACKED_SOURCES) {
      windowStart = at;
      counts = new Map();
    }
    const source = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const count = (counts.get(source) ?? 0) + 1;
    counts.set(source, count);
    if (count > limitPerMinute) {
      res.set('Retry-After', String(Math.ceil((windowStart + WINDOW_MS - at) / 1000)));
      next(new ApiError(429, 'RATE_LIMITED', 'Too many requests from this address', { limitPerMinute }));
      return;
    }
    next();
  };
}
