import type { RequestHandler } from 'express';
import { UsageCounter, upsertRacing } from '../../db/models/usage-counter';
import type { Principal } from '../../domain/access-control';
import type { Config } from '../../domain/config';
import { ApiError } from '../api-error';

interface Window {
  name: string;
  seconds: number;
  limit: number;
}

/**
 * Three fixed windows per key held in the database (so every API process counts the same requests):
 * the most in any one minute (the burst), twice the sustained rate over two minutes (so a burst must be
 * paid back), and the hourly cap.
 */
export function keyWindows(limits: { perMinute: number; burst: number; perHour: number }): Window[] {
  return [
    { name: '1m', seconds: 60, limit: limits.burst },
    { name: '2m', seconds: 120, limit: 2 * limits.perMinute },
    { name: '1h', seconds: 3600, limit: limits.perHour },
  ];
}

/**
 * Counts one request in every window of a key with one atomic update of one document per key: a field
 * per window start (`w60.<start>`), raised by `$inc`; the field of each window's previous start is
 * removed in the same update, so the document stays a handful of fields.
 */
async function countKeyRequest(keyId: string, windows: Window[], now: number): Promise<{ count: number; endsAt: number }[]> {
  const inc: Record<string, number> = {};
  const unset: Record<string, ''> = {};
  const fields = windows.map((window) => {
    const start = Math.floor(now / 1000 / window.seconds) * window.seconds;
    unset[`w${window.seconds}.${start - window.seconds}`] = '';
    inc[`w${window.seconds}.${start}`] = 1;
    return { name: `w${window.seconds}`, start, endsAt: (start + window.seconds) * 1000 };
  });
  const latestEnd = Math.max(...fields.map((field) => field.endsAt));
  const row = await upsertRacing(() =>
    UsageCounter.findOneAndUpdate(
      { _id: `rate:${keyId}` },
      { $inc: { count: 1, ...inc }, $unset: unset, $set: { windowEndsAt: new Date(latestEnd) } },
      { upsert: true, returnDocument: 'after', strict: false },
    ).lean<Record<string, unknown>>(),
  );
  return fields.map((field) => {
    const counts = (row?.[field.name] ?? {}) as Record<string, number>;
    return { count: counts[String(field.start)] ?? 1, endsAt: field.endsAt };
  });
}

/** Answers 429 with `Retry-After` past any window, and `RateLimit-*` headers on every keyed answer. */
export function keyRateLimit(config: Config): RequestHandler {
  const defaults = { perMinute: config.KEY_RATE_LIMIT_PER_MINUTE, burst: config.KEY_RATE_LIMIT_BURST, perHour: config.KEY_RATE_LIMIT_PER_HOUR };
  return async (_req, res, next) => {
    const principal = res.locals.principal as Principal | undefined;
    if (!principal) return next();
    try {
      const own = (res.locals.keyRateLimit ?? {}) as { perMinute?: number; burst?: number; perHour?: number };
      const limits = {
        perMinute: own.perMinute ?? defaults.perMinute,
        // A key with its own sustained rate and no burst gets the default's 20 % headroom.
        burst: own.burst ?? (own.perMinute ? Math.ceil(own.perMinute * 1.2) : defaults.burst),
        perHour: own.perHour ?? defaults.perHour,
      };
      const now = Date.now();
      const windows = keyWindows(limits);
      const counts = await countKeyRequest(principal.keyId, windows, now);
      const states = windows.map((window, i) => ({ ...window, ...counts[i], remaining: Math.max(0, window.limit - counts[i].count) }));
      const tightest = states.reduce((a, b) => (b.remaining < a.remaining ? b : a));
      const resetSec = Math.max(1, Math.ceil((tightest.endsAt - now) / 1000));
      res.set({
        'RateLimit-Limit': String(tightest.limit),
        'RateLimit-Remaining': String(tightest.remaining),
        'RateLimit-Reset': String(resetSec),
        'RateLimit-Policy': states.map((s) => `${s.limit};w=${s.seconds}`).join(', '),
      });
      const exceeded = states.filter((s) => s.count > s.limit);
      if (exceeded.length > 0) {
        const retryAfter = Math.max(...exceeded.map((s) => Math.max(1, Math.ceil((s.endsAt - now) / 1000))));
        res.set('Retry-After', String(retryAfter));
        return next(new ApiError(429, 'RATE_LIMITED', `Too many requests for this key; retry in ${retryAfter} s`, { retryAfterSec: retryAfter }));
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}
