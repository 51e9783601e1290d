import type { NextFunction, Request, Response } from 'express';
import { ERRORS, sendElevenLabsError } from './elevenlabs-error';

/**
 * ElevenLabs' key check: the `xi-api-key` header (what the SDK sends for `apiKey`). No key is
 * `needs_authorization`, a key it does not know `invalid_api_key`, both 401. Without a configured key
 * any non-empty key is accepted.
 */
export function requireApiKey(requiredKey: string | undefined, onRefused: () => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const key = req.get('xi-api-key')?.trim();
    if (!key) {
      onRefused();
      sendElevenLabsError(res, 401, ERRORS.missingKey);
      return;
    }
    if (requiredKey !== undefined && key !== requiredKey) {
      onRefused();
      sendElevenLabsError(res, 401, ERRORS.invalidKey);
      return;
    }
    next();
  };
}
