import express, { type ErrorRequestHandler, type Express, type RequestHandler, type Response } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { PayloadKeyError } from '../domain/payload-keyring';
import { safeEqual } from './hmac-auth';
import type { Logger } from './logger';

/**
 * Temporal's codec server protocol over our payload codec, so an operator holding the token sees
 * decoded payloads in the Temporal Web UI while the Temporal server keeps only ciphertext
 * (docs/security.md, "Decoding payloads in the Web UI"). Bodies are the proto3 JSON form of
 * `temporal.api.common.v1.Payloads`: `{ "payloads": [{ "metadata": { key: base64 }, "data": base64 }] }`.
 */

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Bearer token every /encode and /decode request must carry. */
  token: string;
  /** Browser origins (the Web UI's) allowed to call; anything else gets no CORS grant. */
  allowedOrigins: readonly string[];
  logger: Logger;
}

/** Large enough for Temporal's own 2 MB payload limit after base64 and JSON framing. */
const MAX_BODY = '4mb';
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

class InvalidPayloads extends Error {}

function bytesFrom(value: unknown, where: string): Uint8Array {
  if (value === undefined) return new Uint8Array();
  if (typeof value !== 'string' || !BASE64.test(value)) throw new InvalidPayloads(`${where} must be a base64 string`);
  return Buffer.from(value, 'base64');
}

/** The proto3 JSON Payloads body as SDK payloads; throws InvalidPayloads on anything else. */
export function payloadsFromJson(body: unknown): Payload[] {
  const list = (body as { payloads?: unknown } | null)?.payloads;
  if (typeof body !== 'object' || body === null || !Array.isArray(list)) throw new InvalidPayloads('the body must be {"payloads": [...]}');
  return list.map((item: unknown, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new InvalidPayloads(`payloads[${index}] must be an object`);
    const { metadata = {}, data } = item as { metadata?: unknown; data?: unknown };
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw new InvalidPayloads(`payloads[${index}].metadata must be an object`);
    return {
      metadata: Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key, bytesFrom(value, `payloads[${index}].metadata.${key}`)])),
      data: bytesFrom(data, `payloads[${index}].data`),
    };
  });
}

export function payloadsToJson(payloads: Payload[]): { payloads: { metadata: Record<string, string>; data: string }[] } {
  return {
    payloads: payloads.map((payload) => ({
      metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value ?? new Uint8Array()).toString('base64')])),
      data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
    })),
  };
}

const fail = (res: Response, status: number, code: string, message: string) => {
  res.status(status).json({ error: { code, message } });
};

export function createCodecServer(options: CodecServerOptions): Express {
  const allowed = new Set(options.allowedOrigins.map((origin) => new URL(origin).origin));
  const app = express();
  app.disable('x-powered-by');

  // The Web UI calls from the browser with the operator's token, so the grant names the one origin.
  const cors: RequestHandler = (req, res, next) => {
    const origin = req.get('origin');
    res.vary('Origin');
    if (origin && allowed.has(origin)) {
      res.set('Access-Control-Allow-Origin', origin);
      res.set('Access-Control-Allow-Credentials', 'true');
      res.set('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.set('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      res.set('Access-Control-Max-Age', '600');
    }
    if (req.method === 'OPTIONS') {
      res.status(origin && allowed.has(origin) ? 204 : 403).end();
      return;
    }
    next();
  };

  // The Web UI can send no static header (its "pass access token" forwards only its own OIDC login),
  // so the token may instead be the endpoint's first path segment: `http://host:port/<token>`.
  const authenticate: RequestHandler = (req, res, next) => {
    const bearer = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const segments = req.path.split('/').filter((segment) => segment !== '');
    const presented = bearer ?? (segments.length >= 2 ? segments[0] : undefined);
    if (!presented || !safeEqual(presented, options.token)) {
      res.set('WWW-Authenticate', 'Bearer realm="ringline-codec"');
      fail(res, 401, 'UNAUTHENTICATED', 'The codec server token is missing or wrong: Authorization: Bearer <CODEC_SERVER_TOKEN>, or the endpoint http://host:port/<CODEC_SERVER_TOKEN>');
      return;
    }
    next();
  };

  const run = (direction: 'encode' | 'decode'): RequestHandler => async (req, res) => {
    let payloads: Payload[];
    try {
      payloads = payloadsFromJson(req.body);
    } catch (err) {
      if (!(err instanceof InvalidPayloads)) throw err;
      fail(res, 400, 'INVALID_PAYLOADS', err.message);
      return;
    }
    try {
      const result = direction === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
      res.json(payloadsToJson(result));
    } catch (err) {
      if (!(err instanceof PayloadKeyError)) throw err;
      options.logger.warn({ namespace: req.get('x-namespace'), reason: err.message }, 'codec server could not open a payload');
      fail(res, 400, 'PAYLOAD_KEY_UNAVAILABLE', err.message);
    }
  };

  app.use(cors);
  app.use(authenticate);
  app.use(express.json({ limit: MAX_BODY, type: () => true }));
  // The protocol lets the endpoints sit under any prefix (per namespace, behind a proxy): only the last segment counts.
  app.post(/\/encode$/, run('encode'));
  app.post(/\/decode$/, run('decode'));
  app.use((_req, res) => fail(res, 404, 'NOT_FOUND', 'The codec server answers POST …/encode and POST …/decode'));
  const onError: ErrorRequestHandler = (err: { type?: string; status?: number }, _req, res, _next) => {
    if (err.type === 'entity.parse.failed') return fail(res, 400, 'INVALID_PAYLOADS', 'the body is not JSON');
    if (err.type === 'entity.too.large') return fail(res, 413, 'PAYLOADS_TOO_LARGE', `the body is larger than ${MAX_BODY}`);
    options.logger.error({ err }, 'codec server request failed');
    fail(res, 500, 'INTERNAL', 'The codec server failed');
  };
  app.use(onError);
  return app;
}
