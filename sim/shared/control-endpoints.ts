import type { NextFunction, Request, Response } from 'express';

/** What every simulator's `/sim/*` control API shares: loopback-only access and one error shape. */
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** The control endpoints have no auth, so they answer loopback clients only, whatever interface the simulator listens on. */
export function loopbackOnly(req: Request, res: Response, next: NextFunction): void {
  if (LOOPBACK.has(req.socket.remoteAddress ?? '')) next();
  else sendError(res, 403, 'forbidden', 'control endpoints answer loopback clients only');
}

export function sendError(res: Response, status: number, code: string, message: string, details?: unknown): void {
  res.status(status).json({ error: { code, message, details: details ?? null } });
}
