import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import type { Response } from 'express';

/**
 * Deepgram's error answer: `{"err_code", "err_msg", "request_id"}` with the same request id in the
 * `dg-request-id` header. `INVALID_AUTH` and `INVALID_JSON`-style codes are Deepgram's; codes for
 * limits the simulator adds are its own (README).
 */
interface DeepgramErrorBody {
  err_code: string;
  err_msg: string;
  request_id: string;
}

function deepgramError(errCode: string, errMsg: string): DeepgramErrorBody {
  return { err_code: errCode, err_msg: errMsg, request_id: randomUUID() };
}

export function sendDeepgramError(res: Response, status: number, errCode: string, errMsg: string): void {
  const body = deepgramError(errCode, errMsg);
  res.status(status).set('dg-request-id', body.request_id).set('dg-error', errMsg).json(body);
}

/**
 * A WebSocket handshake Deepgram refuses gets a plain HTTP answer instead of `101 Switching
 * Protocols`; clients see it as "Unexpected server response: <status>".
 */
export function refuseUpgrade(socket: Duplex, status: number, errCode: string, errMsg: string): void {
  const error = deepgramError(errCode, errMsg);
  const body = JSON.stringify(error);
  socket.end(
    [
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
      'content-type: application/json',
      `content-length: ${Buffer.byteLength(body)}`,
      `dg-request-id: ${error.request_id}`,
      `dg-error: ${errMsg}`,
      'connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}
