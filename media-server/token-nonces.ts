import { MediaTokenNonce } from '../db/models/media-token-nonce';
import type { MediaTokenClaims } from '../lib/hmac-auth';

/** Marks a media token's nonce as used: true the first time, false ever after (on every instance). */
export interface TokenNonces {
  claim(claims: MediaTokenClaims): Promise<boolean>;
}

const DUPLICATE_KEY = 11000;
/** Expired rows are deleted at most this often (FerretDB has no TTL index to do it). */
const PRUNE_EVERY_MS = 60_000;

export function databaseTokenNonces(now: () => number = Date.now): TokenNonces {
  let lastPrune = 0;
  return {
    async claim(claims) {
      const at = now();
      if (at - lastPrune >= PRUNE_EVERY_MS) {
        lastPrune = at;
        void MediaTokenNonce.deleteMany({ expiresAt: { $lt: new Date(at) } }).catch(() => undefined);
      }
      try {
        await MediaTokenNonce.create({ _id: claims.nonce, callId: claims.callId, attempt: claims.attempt, expiresAt: new Date(claims.expiresAt) });
        return true;
      } catch (err) {
        if ((err as { code?: number }).code === DUPLICATE_KEY) return false;
        throw err;
      }
    },
  };
}
