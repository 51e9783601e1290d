import { CALL_ID_SHAPE } from './attempt-address';

/**
 * Where a page of the call list ends: the last call's creation time and id, the list's sort key
 * (newest first, id breaking ties). Clients get it as an opaque base64url token and must not build one.
 */
export interface CallListCursor {
  createdAt: Date;
  callLogId: string;
}

export function encodeCallListCursor(cursor: CallListCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.getTime(), cursor.callLogId]), 'utf8').toString('base64url');
}

/** Null for anything `encodeCallListCursor` cannot have written. */
export function decodeCallListCursor(token: string): CallListCursor | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(token)) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [ms, callLogId] = value as unknown[];
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0 || typeof callLogId !== 'string' || !CALL_ID_SHAPE.test(callLogId)) return null;
  const cursor = { createdAt: new Date(ms), callLogId };
  // One token per position: a re-encoding that differs means trailing bits or padding were tampered with.
  return encodeCallListCursor(cursor) === token ? cursor : null;
}
