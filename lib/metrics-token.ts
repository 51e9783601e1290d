import { timingSafeEqual } from 'node:crypto';

/**
 * Whether an `Authorization` header carries the metrics token: Prometheus scrapes with its own bearer
 * token, never an API key, so a scraper's credential opens nothing else. With no token configured
 * nothing matches, and the metrics routes of the API and the media server do not answer.
 */
export function carriesMetricsToken(authorization: string | undefined, token: string | undefined): boolean {
  if (!token) return false;
  const presented = Buffer.from(/^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}
