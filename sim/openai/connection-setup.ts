import type { Socket } from 'node:net';
import type { RequestHandler } from 'express';

/**
 * Holds the first request of each new connection for `delayMs`, as the TCP and TLS set-up of a real
 * connection to OpenAI would; requests reusing a kept-alive connection go straight through.
 */
export function connectionSetupDelay(delayMs: number): RequestHandler {
  const seen = new WeakSet<Socket>();
  return (req, _res, next) => {
    const fresh = !seen.has(req.socket);
    seen.add(req.socket);
    if (!fresh || delayMs === 0) return next();
    setTimeout(next, delayMs);
  };
}
