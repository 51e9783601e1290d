import { BlockList, isIPv4 } from 'node:net';
import type { RequestHandler } from 'express';
import { ApiError } from '../api-error';

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * Only the listed addresses and CIDR ranges may call the route (Exotel's egress ranges); an empty list
 * lets every source through. Behind a proxy the source is what express's `trust proxy` makes of
 * X-Forwarded-For.
 */
export function sourceAllowList(entries: readonly string[]): RequestHandler {
  if (entries.length === 0) return (_req, _res, next) => next();
  const allowed = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/');
    const type = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (prefix === undefined) allowed.addAddress(address, type);
    else allowed.addSubnet(address, Number(prefix), type);
  }
  return (req, _res, next) => {
    const raw = req.ip ?? req.socket.remoteAddress ?? '';
    const address = IPV4_MAPPED.exec(raw)?.[1] ?? raw;
    const ok = address !== '' && allowed.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
    next(ok ? undefined : new ApiError(403, 'SOURCE_NOT_ALLOWED', 'This address may not call this endpoint'));
  };
}
