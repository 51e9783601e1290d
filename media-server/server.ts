import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import express, { type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { CONTROL_SIGNATURE_HEADER, CONTROL_TIMESTAMP_HEADER, verifyControlRequest } from '../lib/media-control-auth';
import { verifyMediaToken } from '../lib/media-token';
import { CallSession, type SessionDeps } from './call-session';
import { SAMPLE_RATES, type SampleRate } from './exotel-protocol';

export interface MediaServerDeps extends SessionDeps {
  /** Verifies the media URL tokens and signs the control requests (MEDIA_TOKEN_SECRET). */
  secret: string;
  registry: Registry;
  health: { database: () => Promise<boolean>; temporal: () => Promise<boolean> };
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

const MEDIA_PATH = /^\/ws\/exotel\/voice\/([^/]+)\/(\d+)$/;

const controlRequest = z.object({
  callId: z.string().min(1),
  attempt: z.number().int().positive(),
  mode: z.enum(['goodbye', 'immediate']),
  reason: z.string().max(200).default(''),
});

const prewarmRequest = z.object({
  agentId: z.string().min(1),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

/** Once the goodbye window has passed too, signals still being sent get this long. */
const FINAL_REPORT_MS = 5_000;

/**
 * The media server's network face: Exotel's Voicebot WebSocket (`/ws/exotel/voice/:callId/:attempt`,
 * refused unless its token verifies), the workflow's signed control endpoint, greeting prewarming,
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
  app.get('/stats', (_req, res) => {
    res.json({ sessions: sessions.size, greetingCache: { entries: deps.cache.size, lookups: deps.cache.lookups } });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
  // The signature covers the exact bytes sent, so signed bodies are read as text and parsed after the check.
  const signedBody = express.text({ type: () => true, limit: '64kb' });
  app.post('/control/end', signedBody, (req, res) => {
    const body = verifiedJson(req, res, controlRequest);
    if (!body) return;
    const session = sessions.get(sessionKey(body.callId, body.attempt));
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
      const synthesized = await deps.cache.prewarm(agent, body.metadata ?? {});
      res.status(200).json({ synthesized, cached: deps.cache.size });
    } catch (err) {
      log.warn({ err, agentId: agent.id }, 'greeting prewarm failed');
      res.status(502).json({ error: { code: 'SYNTHESIS_FAILED', message: 'speech synthesis failed' } });
    }
  });
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such route' } });
  });

  function verifiedJson<T>(req: Request, res: Response, schema: z.ZodType<T>): T | undefined {
    const raw = typeof req.body === 'string' ? req.body : '';
    const timestamp = Number(req.get(CONTROL_TIMESTAMP_HEADER));
    if (!verifyControlRequest(deps.secret, timestamp, raw, req.get(CONTROL_SIGNATURE_HEADER) ?? '')) {
      log.warn({ path: req.path }, 'control request with a bad signature refused');
      res.status(401).json({ error: { code: 'BAD_SIGNATURE', message: 'signature or timestamp invalid' } });
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

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://media');
    const match = MEDIA_PATH.exec(url.pathname);
    if (!match || draining) {
      socket.end(`HTTP/1.1 ${draining ? '503 Service Unavailable' : '404 Not Found'}\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, url, match));
  });

  function accept(ws: WebSocket, url: URL, match: RegExpExecArray): void {
    let callId: string;
    try {
      callId = decodeURIComponent(match[1]);
    } catch {
      refuse(ws, 'malformed', {});
      return;
    }
    const attempt = Number(match[2]);
    const check = verifyMediaToken(deps.secret, callId, attempt, url.searchParams.get('token') ?? '');
    if (!check.ok) {
      refuse(ws, check.reason, { callId, attempt });
      return;
    }
    const key = sessionKey(callId, attempt);
    if (sessions.has(key)) {
      refuse(ws, 'duplicate', { callId, attempt });
      return;
    }
    const rate = Number(url.searchParams.get('sample-rate'));
    const requestedRate = (SAMPLE_RATES as readonly number[]).includes(rate) ? (rate as SampleRate) : undefined;
    const session = new CallSession(deps, ws, callId, attempt, requestedRate);
    sessions.set(key, session);
    void session.ended.then(() => sessions.delete(key));
  }

  function refuse(ws: WebSocket, reason: string, call: { callId?: string; attempt?: number }): void {
    deps.metrics.connectionRefused(reason);
    log.warn({ ...call, reason }, 'media connection refused');
    ws.close(1008, reason === 'duplicate' ? 'duplicate session' : 'invalid token');
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

function sessionKey(callId: string, attempt: number): string {
  return `${callId}/${attempt}`;
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
