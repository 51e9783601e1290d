/**
 * When the media server's pool of provider connections opens, keeps, hands out and discards them
 * (docs/prewarming.md). Pure: the pool (media-server/prewarm/warm-pool.ts) reports what it holds and
 * carries out the plan.
 */

export type PooledState = 'opening' | 'ready' | 'dead';

export interface PooledConnectionView {
  id: number;
  state: PooledState;
  /** When the connection became ready (or began opening, while it opens), ms since the epoch. */
  since: number;
}

/**
 * dead: the provider or the network closed it; expired: ready for `refreshIntervalMs` without a
 * call taking it, so it is replaced before the provider's idle limit can close it under a call;
 * surplus: the pool was made smaller.
 */
export type DiscardReason = 'dead' | 'expired' | 'surplus';

export interface PoolPlan {
  /** New connections to start opening. */
  open: number;
  discard: { id: number; reason: DiscardReason }[];
}

function isExpired(connection: PooledConnectionView, refreshIntervalMs: number, now: number): boolean {
  return connection.state === 'ready' && now - connection.since >= refreshIntervalMs;
}

/**
 * One maintenance step: dead and expired connections go, a pool above its size gives up its oldest
 * ready ones (one still opening is left to finish and counted), and the pool is topped up to `size`.
 */
export function planPool(connections: readonly PooledConnectionView[], size: number, refreshIntervalMs: number, now: number): PoolPlan {
  const discard: PoolPlan['discard'] = [];
  const kept: PooledConnectionView[] = [];
  for (const connection of connections) {
    if (connection.state === 'dead') discard.push({ id: connection.id, reason: 'dead' });
    else if (isExpired(connection, refreshIntervalMs, now)) discard.push({ id: connection.id, reason: 'expired' });
    else kept.push(connection);
  }
  const surplusReady = kept
    .filter((connection) => connection.state === 'ready')
    .sort((a, b) => a.since - b.since)
    .slice(0, Math.max(0, kept.length - size));
  for (const connection of surplusReady) discard.push({ id: connection.id, reason: 'surplus' });
  return { open: Math.max(0, size - (kept.length - surplusReady.length)), discard };
}

/**
 * The connection a call gets: the oldest ready one that has not expired (the pool turns over through
 * calls rather than through expiry), or none, and the call opens its own.
 */
export function pickWarm(connections: readonly PooledConnectionView[], refreshIntervalMs: number, now: number): number | undefined {
  let best: PooledConnectionView | undefined;
  for (const connection of connections) {
    if (connection.state !== 'ready' || isExpired(connection, refreshIntervalMs, now)) continue;
    if (!best || connection.since < best.since) best = connection;
  }
  return best?.id;
}

/**
 * Whether the model's HTTP connection needs a request to stay open: nothing has gone over it for
 * `keepAliveMs`, which must stay below the idle time after which the client or the server drops it.
 */
export function llmPingDue(lastRequestAt: number | undefined, keepAliveMs: number, now: number): boolean {
  return lastRequestAt === undefined || now - lastRequestAt >= keepAliveMs;
}
