import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import express, { type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { attemptKey, parseMediaStreamPath } from '../domain/attempt-address';
import { PRIORITIES } from '../domain/priority';
import { TTS_PROVIDERS } from '../domain/speech/tts-provider';
import { carriesMetricsToken } from '../lib/metrics-token';
import {
  CONTROL_MAX_SKEW_MS,
  CONTROL_NONCE_HEADER,
  CONTROL_SIGNATURE_HEADER,
  CONTROL_TIMESTAMP_HEADER,
  verifyControlRequest,
  verifyMediaToken,
  type MediaTokenClaims,
} from '../lib/hmac-auth';
import { poolControlRequestSchema } from '../domain/api-schemas/prewarming';
import { CallSession, type SessionDeps } from './call-session';
import type { ConnectionPrewarmer } from './prewarm/connection-prewarmer';
import { chooseCallVoice } from './call-speech';
import { DEFAULT_SAMPLE_RATE, SAMPLE_RATES, type SampleRate } from './exotel-protocol';
import type { TokenNonces } from './token-nonces';

export interface MediaServerDeps extends SessionDeps {
  /** Verifies the media URL tokens and signs the control requests (MEDIA_TOKEN_SECRET). */
  secret: string;
  /** Where used media-token nonces are recorded, shared by every instance (the database). */
  nonces: TokenNonces;
  registry: Registry;
  /** METRICS_TOKEN: `/metrics` and `/stats` answer it alone, and nobody without it. */
  metricsToken?: string;
  health: { database: () => Promise<boolean>; temporal: () => Promise<boolean> };
  /** The pool of ready provider connections; without it `/control/prewarming` answers 404. */
  prewarmer?: ConnectionPrewarmer;
}

export interface MediaServer {
  readonly http: Server;
  /** Live sessions on this instance. */
  readonly sessions: number;
  listen(port: number, host: string): Promise<number>;
  /**
   * Stops taking calls, lets the live ones finish for up to `drainMs`, then ends the rest with a
   * goodbye and waits `goodbyeMs` more before cutting what is left.
   */
  close(options?: { drainMs?: number; goodbyeMs?: number }): Promise<void>;
}


const controlRequest = z.object({
  callId: z.string().min(1),
  attempt: z.number().int().positive(),
  mode: z.enum(['goodbye', 'immediate']),
  reason: z.string().max(200).default(''),
});

const prewarmRequest = z.object({
  agentId: z.string().min(1),
  metadata: z.record(z.string(), z.unknown()).optional(),
  priority: z.enum(PRIORITIES).optional(),
  ttsProvider: z.enum(TTS_PROVIDERS).optional(),
});

const STATUS_TEXT = { 401: 'Unauthorized', 404: 'Not Found', 409: 'Conflict', 503: 'Service Unavailable' } as const;

/** Once the goodbye window has passed too, signals still being sent get this long. */
const FINAL_REPORT_MS = 5_000;

/**
 * The media server's network face: Exotel's Voicebot WebSocket (`/ws/exotel/voice/:callId/:attempt`,
 * refused before the handshake unless its token verifies and is used for the first time), the
 * workflow's and the API's signed, single-use control requests (hang-up, greeting prewarming, the
 * connection pool),
 * health, stats and metrics.
 */
export function createMediaServer(deps: MediaServerDeps): MediaServer {
  const log = deps.logger;
  const sessions = new Map<string, CallSession>();
  let draining = false;

  const app = express();
  app.disable('x-powered-by');
  app.get('/health', async (_req, res) => {
    const [database, temporal] = await Promise.all([deps.health.database(), deps.health.temporal()]);
    const ok = database && temporal && !draining;
    res.status(ok ? 200 : 503).json({
      status: draining ? 'draining' : ok ? 'ok' : 'degraded',
      checks: { database: database ? 'up' : 'down', temporal: temporal ? 'up' : 'down' },
      sessions: sessions.size,
    });
  });
  // Operational figures answer the metrics token only (lib/metrics-token.ts), as the API's /metrics does.
  const metricsOnly: express.RequestHandler = (req, res, next) => {
    if (!deps.metricsToken) return void res.status(404).json({ error: { code: 'NOT_FOUND', message: `No route for GET ${req.path}` } });
    if (carriesMetricsToken(req.get('authorization'), deps.metricsToken)) return next();
    res.set('WWW-Authenticate', 'Bearer realm="ringline-metrics"');
    res.status(401).json({ error: { code: 'UNAUTHENTICATED', message: 'The metrics token is missing or wrong' } });
  };
  app.get('/stats', metricsOnly, (_req, res) => {
    res.json({ sessions: sessions.size, greetingCache: { entries: deps.cache.size, lookups: deps.cache.lookups } });
  });
  app.get('/metrics', metricsOnly, async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
  // The signature covers the exact bytes sent, so signed bodies are read as text and parsed after the check.
  const signedBody = express.text({ type: () => true, limit: '64kb' });
  app.post('/control/end', signedBody, (req, res) => {
    const body = verifiedJson(req, res, controlRequest);
    if (!body) return;
    const session = sessions.get(attemptKey(body.callId, body.attempt));
    if (!session) {
      res.status(404).json({ error: { code: 'SESSION_NOT_FOUND', message: 'no live media session for this attempt here' } });
      return;
    }
    log.info({ callId: body.callId, attempt: body.attempt, mode: body.mode, reason: body.reason }, 'hang-up requested');
    session.hangUp(body.mode);
    res.status(200).json({ status: 'ending', mode: body.mode });
  });
  app.post('/greetings/prewarm', signedBody, async (req, res) => {
    const body = verifiedJson(req, res, prewarmRequest);
    if (!body) return;
    const agent = await deps.agents.get(body.agentId).catch(() => undefined);
    if (!agent) {
      res.status(404).json({ error: { code: 'AGENT_NOT_FOUND', message: 'no such agent' } });
      return;
    }
    try {
      const metadata = body.metadata ?? {};
      const { voice } = chooseCallVoice(agent, { priority: body.priority ?? 'medium', metadata, ttsProvider: body.ttsProvider }, deps.premium);
      const synthesized = await deps.cache.prewarm(agent, metadata, DEFAULT_SAMPLE_RATE, voice);
      res.status(200).json({ synthesized, cached: deps.cache.size });
    } catch (err) {
      log.warn({ err, agentId: agent.id }, 'greeting prewarm failed');
      res.status(502).json({ error: { code: 'SYNTHESIS_FAILED', message: 'speech synthesis failed' } });
    }
  });
  // The action travels inside the signed body, so a signed request for one action cannot be replayed as another.
  app.post('/control/prewarming', signedBody, async (req, res) => {
    const body = verifiedJson(req, res, poolControlRequestSchema);
    if (!body) return;
    const prewarmer = deps.prewarmer;
    if (!prewarmer) {
      res.status(404).json({ error: { code: 'PREWARMING_UNAVAILABLE', message: 'this media server has no connection pool' } });
      return;
    }
    if (body.action === 'measure') {
      try {
        res.status(200).json({ measurement: await prewarmer.measure(body.samples) });
      } catch (err) {
        log.warn({ err }, 'first-result latency measurement failed');
        res.status(502).json({ error: { code: 'MEASUREMENT_FAILED', message: 'the providers could not be measured' } });
      }
      return;
    }
    if (body.action === 'start') prewarmer.start(body.settings);
    else if (body.action === 'stop') prewarmer.stop();
    res.status(200).json({ pool: prewarmer.status() });
  });
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such route' } });
  });

  /**
   * Nonces of control requests seen within the signature's time window. A control request goes to one
   * instance, the one that holds the call, so this instance's memory is the whole record of them.
   */
  const controlNonces = new Map<string, number>();
  function firstUseOfControlNonce(nonce: string, now: number): boolean {
    for (const [seen, until] of controlNonces) {
      if (until >= now) break;
      controlNonces.delete(seen);
    }
    if (controlNonces.has(nonce)) return false;
    controlNonces.set(nonce, now + 2 * CONTROL_MAX_SKEW_MS);
    return true;
  }

  function verifiedJson<T>(req: Request, res: Response, schema: z.ZodType<T>): T | undefined {
    const raw = typeof req.body === 'string' ? req.body : '';
    const signed = {
      timestamp: Number(req.get(CONTROL_TIMESTAMP_HEADER)),
      nonce: req.get(CONTROL_NONCE_HEADER) ?? '',
      body: raw,
      signature: req.get(CONTROL_SIGNATURE_HEADER) ?? '',
    };
    const now = Date.now();
    if (!verifyControlRequest(deps.secret, signed, now)) {
      log.warn({ path: req.path }, 'control request with a bad signature refused');
      res.status(401).json({ error: { code: 'BAD_SIGNATURE', message: 'signature, nonce or timestamp invalid' } });
      return undefined;
    }
    if (!firstUseOfControlNonce(signed.nonce, now)) {
      log.warn({ path: req.path }, 'replayed control request refused');
      res.status(401).json({ error: { code: 'REPLAYED_REQUEST', message: 'this signed request was already used' } });
      return undefined;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      json = undefined;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      res.status(400).json({ error: { code: 'INVALID_REQUEST', message: 'invalid body', details: parsed.error.issues } });
      return undefined;
    }
    return parsed.data;
  }

  const http = createServer(app);
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

  /**
   * Every check runs before the WebSocket handshake completes, so a refused client gets a plain HTTP
   * answer (401, 404, 409, 503) and never an open socket: token signature and expiry, a live session
   * for the attempt, then the token's single use, claimed in the database so that it holds across
   * instances (one insert, a few milliseconds, well inside Exotel's 10 s handshake).
   */
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://media');
    const path = parseMediaStreamPath(url.pathname);
    if (draining || (!path.ok && path.reason === 'not_media_path')) {
      rejectUpgrade(socket, draining ? 503 : 404, draining ? 'draining' : 'not_found', {});
      return;
    }
    if (!path.ok) {
      rejectUpgrade(socket, 401, 'malformed', {});
      return;
    }
    const { callId, attempt } = path.address;
    const check = verifyMediaToken(deps.secret, callId, attempt, url.searchParams.get('token') ?? '');
    if (!check.ok) {
      rejectUpgrade(socket, 401, check.reason, { callId, attempt });
      return;
    }
    if (sessions.has(attemptKey(callId, attempt))) {
      rejectUpgrade(socket, 409, 'duplicate', { callId, attempt });
      return;
    }
    deps.nonces.claim(check.claims).then(
      (first) => {
        if (socket.destroyed) return;
        if (!first) rejectUpgrade(socket, 401, 'token_reused', { callId, attempt });
        else if (draining) rejectUpgrade(socket, 503, 'draining', { callId, attempt });
        else if (sessions.has(attemptKey(callId, attempt))) rejectUpgrade(socket, 409, 'duplicate', { callId, attempt });
        else wss.handleUpgrade(req, socket, head, (ws) => accept(ws, url, check.claims));
      },
      (err: unknown) => {
        log.error({ err, callId, attempt }, 'media token nonce could not be recorded');
        rejectUpgrade(socket, 503, 'nonce_store_unavailable', { callId, attempt });
      },
    );
  });

  function accept(ws: WebSocket, url: URL, claims: MediaTokenClaims): void {
    const { callId, attempt } = claims;
    const key = attemptKey(callId, attempt);
    const rate = Number(url.searchParams.get('sample-rate'));
    const requestedRate = (SAMPLE_RATES as readonly number[]).includes(rate) ? (rate as SampleRate) : undefined;
    const session = new CallSession(deps, ws, callId, attempt, requestedRate, claims.callSid);
    sessions.set(key, session);
    void session.ended.then(() => sessions.delete(key));
  }

  function rejectUpgrade(socket: Duplex, status: 401 | 404 | 409 | 503, reason: string, call: { callId?: string; attempt?: number }): void {
    if (status !== 404) {
      deps.metrics.connectionRefused(reason);
      log.warn({ ...call, reason }, 'media connection refused');
    }
    const body = JSON.stringify({ error: { code: reason.toUpperCase(), message: 'media connection refused' } });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }

  return {
    http,
    get sessions() {
      return sessions.size;
    },
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          resolve((http.address() as { port: number }).port);
        });
      }),
    async close({ drainMs = 30_000, goodbyeMs = 10_000 } = {}) {
      draining = true;
      deps.prewarmer?.stop();
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      const allEnded = () => Promise.all([...sessions.values()].map((s) => s.ended));
      if (!(await within(allEnded(), drainMs))) {
        log.info({ sessions: sessions.size }, 'drain time over; ending the remaining calls');
        for (const session of sessions.values()) session.shutdown();
        if (!(await within(allEnded(), goodbyeMs))) {
          for (const client of wss.clients) client.terminate();
          await within(allEnded(), FINAL_REPORT_MS);
        }
      }
      wss.close();
      http.closeAllConnections();
      await closed;
    },
  };
}

async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
