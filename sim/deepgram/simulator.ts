import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import express, { type NextFunction, type Request, type Response } from 'express';
import { WebSocketServer, type WebSocket } from 'ws';
import { createLogger } from '../../lib/logger';
import { TimerSet } from '../shared/timer-set';
import { checkAuthorization } from './auth';
import { createControlApi } from './control-api';
import { refuseUpgrade } from './deepgram-error';
import { JsonGetter } from './http-get-json';
import { parseListenParams } from './listen-params';
import { runListenSession } from './listen-session';
import { ScriptBook } from './script-book';
import { resolveOptions, type DeepgramSimulatorOptions } from './simulator-options';
import { createSpeakRestApi } from './speak-rest';
import { parseSpeakParams } from './speak-params';
import { runSpeakSession } from './speak-session';
import { DeepgramStats } from './stats';

export type { DeepgramSimulatorOptions } from './simulator-options';

export interface DeepgramSimulator {
  /** Listens on `port` (0 or absent: a free port) and answers the port actually used. */
  start(port?: number): Promise<{ port: number }>;
  /** Closes every socket, stream and connection; the process can exit afterwards. */
  stop(): Promise<void>;
  /** Forgets registered scripts and counters; live sockets and streams go on. */
  reset(): void;
  /** `http://<host>:<port>`, once started: the SDK's `baseUrl`. */
  readonly baseUrl: string;
}

/**
 * Deepgram on loopback: live speech-to-text (`/v1/listen`, WebSocket), Aura text-to-speech over
 * REST (`POST /v1/speak`) and WebSocket (`/v1/speak`), plus `/sim/*` control endpoints. The real
 * `@deepgram/sdk` reaches it by its `baseUrl` alone. See README.md in this folder.
 */
export function createDeepgramSimulator(options: DeepgramSimulatorOptions = {}): DeepgramSimulator {
  const config = resolveOptions(options);
  const logger = options.logger ?? createLogger('deepgram-sim');
  const stats = new DeepgramStats();
  const scripts = new ScriptBook();
  const getter = new JsonGetter();
  const restTimers = new TimerSet();
  const listenSockets = new Set<WebSocket>();
  const speakSockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true });
  const requestIds = new WeakMap<IncomingMessage, string>();

  // Deepgram names the request in the handshake answer too.
  wss.on('headers', (headers, req) => {
    const requestId = requestIds.get(req);
    if (requestId) headers.push(`dg-request-id: ${requestId}`);
  });

  function reset(): void {
    scripts.reset();
    stats.reset();
  }

  const app = express();
  app.disable('x-powered-by');
  app.use(createSpeakRestApi({ apiKey: config.apiKey, tuning: config, stats, timers: restTimers, logger }));
  app.use(
    createControlApi({
      stats: () => stats.snapshot({ listen: listenSockets.size, speak: speakSockets.size }),
      registerScript: (key, utterances) => scripts.register(key, utterances),
      scripts: () => scripts.keys(),
      reset,
    }),
  );
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ err_code: 'NOT_FOUND', err_msg: 'Not found.', request_id: randomUUID() });
  });
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    logger.error({ err }, 'request failed');
    res.status(500).json({ err_code: 'INTERNAL_SERVER_ERROR', err_msg: 'The simulator failed.', request_id: randomUUID() });
  });

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (err) => logger.debug({ err }, 'socket error during the handshake'));
    if (config.handshakeLatencyMs === 0) return answerUpgrade(req, socket, head);
    restTimers.after(config.handshakeLatencyMs, () => {
      if (!socket.destroyed) answerUpgrade(req, socket, head);
    });
  }

  function answerUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://sim');
    const refuse = (status: number, code: string, message: string): void => {
      stats.upgradesRefused += 1;
      refuseUpgrade(socket, status, code, message);
    };
    if (url.pathname !== '/v1/listen' && url.pathname !== '/v1/speak') return refuse(404, 'NOT_FOUND', 'Not found.');
    const auth = checkAuthorization(req.headers.authorization, config.apiKey);
    if (!auth.ok) return refuse(401, 'INVALID_AUTH', auth.message);

    const requestId = randomUUID();
    requestIds.set(req, requestId);
    if (url.pathname === '/v1/listen') {
      const params = parseListenParams(url.searchParams);
      if (!params.ok) return refuse(400, 'INVALID_QUERY_PARAMETER', params.message);
      wss.handleUpgrade(req, socket, head, (ws) => {
        track(listenSockets, ws);
        runListenSession(ws, params.params, requestId, {
          tuning: config,
          scriptLookup: { book: scripts, getter, exotelSimUrl: config.exotelSimUrl, timeoutMs: config.scriptLookupTimeoutMs },
          stats,
          logger,
        });
      });
    } else {
      const params = parseSpeakParams(url.searchParams);
      if (!params.ok) return refuse(400, 'INVALID_QUERY_PARAMETER', params.message);
      if (params.params.container !== 'none' && url.searchParams.has('container')) {
        return refuse(400, 'INVALID_QUERY_PARAMETER', 'The speak socket streams raw audio: container is not accepted.');
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        track(speakSockets, ws);
        runSpeakSession(ws, params.params, { tuning: config, stats, logger });
      });
    }
  }

  function track(set: Set<WebSocket>, ws: WebSocket): void {
    set.add(ws);
    ws.on('close', () => set.delete(ws));
  }

  let server: Server | undefined;
  let baseUrl = '';

  return {
    get baseUrl() {
      if (!server) throw new Error('the Deepgram simulator is not started');
      return baseUrl;
    },

    start(port = 0) {
      if (server) return Promise.reject(new Error('the Deepgram simulator is already started'));
      return new Promise((resolve, reject) => {
        const listening = http.createServer(app);
        listening.on('upgrade', onUpgrade);
        listening.once('error', reject);
        listening.listen(port, config.host, () => {
          listening.off('error', reject);
          server = listening;
          const actualPort = (listening.address() as AddressInfo).port;
          baseUrl = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${actualPort}`;
          logger.info({ port: actualPort, host: config.host, exotelSimUrl: config.exotelSimUrl }, 'Deepgram simulator listening');
          resolve({ port: actualPort });
        });
      });
    },

    async stop() {
      const closing = server;
      server = undefined;
      for (const ws of [...listenSockets, ...speakSockets]) ws.terminate();
      restTimers.clearAll();
      getter.abortAll();
      reset();
      if (!closing) return;
      await new Promise<void>((resolve, reject) => {
        closing.close((err) => (err ? reject(err) : resolve()));
        closing.closeAllConnections();
      });
      logger.info('Deepgram simulator stopped');
    },

    reset,
  };
}
