import { createServer, type Server } from 'node:http';
import type { Client } from '@temporalio/client';
import { WebSocketServer, type WebSocket } from 'ws';
import type { MediaOutcome } from '../../domain/call-outcome';
import { CONTROL_NONCE_HEADER, CONTROL_SIGNATURE_HEADER, CONTROL_TIMESTAMP_HEADER, verifyControlRequest, verifyMediaToken } from '../../lib/hmac-auth';
import { callWorkflowId, mediaEndedSignal, mediaStartedSignal } from '../../workflows/messages';

/**
 * Stands in for the media server in call-lifecycle tests: it speaks the real contract (token check,
 * media-started and media-ended signals, the signed control endpoint) but holds no conversation. It
 * keeps each call for `holdMs`, then reports `outcome` and closes the socket, which ends the call.
 */
export interface StandInBehaviour {
  holdMs: number;
  outcome: MediaOutcome;
  /** Close the socket without telling the workflow (a crashed media server). */
  vanish?: boolean;
}

export interface StandInMediaServer {
  wsUrl: string;
  /** Its control address (MEDIA_CONTROL_URL for the workers). */
  baseUrl: string;
  behaviour: StandInBehaviour;
  hangups: { callId: string; attempt: number; mode: string }[];
  refused: number;
  sessions: number;
  stop(): Promise<void>;
}

export async function startStandInMediaServer(client: Client, secret: string, behaviour: StandInBehaviour): Promise<StandInMediaServer> {
  const sockets = new Map<string, { ws: WebSocket; end: (outcome: MediaOutcome) => void }>();
  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/control/end') {
      res.writeHead(404).end();
      return;
    }
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const ok = verifyControlRequest(secret, {
        timestamp: Number(req.headers[CONTROL_TIMESTAMP_HEADER]),
        nonce: String(req.headers[CONTROL_NONCE_HEADER] ?? ''),
        body,
        signature: String(req.headers[CONTROL_SIGNATURE_HEADER] ?? ''),
      });
      if (!ok) {
        res.writeHead(401).end();
        return;
      }
      const request = JSON.parse(body) as { callId: string; attempt: number; mode: string };
      state.hangups.push(request);
      const session = sockets.get(`${request.callId}/${request.attempt}`);
      if (!session) {
        res.writeHead(404).end();
        return;
      }
      session.end('hangup_by_bot');
      res.writeHead(200).end();
    });
  });
  const wss = new WebSocketServer({ server });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  const state: StandInMediaServer = {
    wsUrl: `ws://127.0.0.1:${port}`,
    baseUrl: `http://127.0.0.1:${port}`,
    behaviour,
    hangups: [],
    refused: 0,
    sessions: 0,
    stop: async () => {
      for (const { ws } of sockets.values()) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  wss.on('connection', (ws, req) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const match = /^\/ws\/exotel\/voice\/([^/]+)\/(\d+)$/.exec(url.pathname);
    const token = url.searchParams.get('token') ?? '';
    if (!match || !verifyMediaToken(secret, decodeURIComponent(match[1]), Number(match[2]), token).ok) {
      state.refused += 1;
      ws.close(1008, 'bad token');
      return;
    }
    const callId = decodeURIComponent(match[1]);
    const attempt = Number(match[2]);
    const handle = client.workflow.getHandle(callWorkflowId(callId));
    const { holdMs, outcome, vanish } = state.behaviour;
    let ended = false;
    const end = (how: MediaOutcome) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      sockets.delete(`${callId}/${attempt}`);
      const report = vanish ? Promise.resolve() : handle.signal(mediaEndedSignal, { attempt, outcome: how, endedAt: new Date().toISOString() });
      void report.catch(() => undefined).finally(() => ws.close());
    };
    const timer = setTimeout(() => end(outcome), holdMs);
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { event?: string };
      if (message.event === 'start') {
        state.sessions += 1;
        sockets.set(`${callId}/${attempt}`, { ws, end });
        void handle
          .signal(mediaStartedSignal, { attempt, controlUrl: `http://127.0.0.1:${port}/control/end`, startedAt: new Date().toISOString() })
          .catch(() => undefined);
      }
      if (message.event === 'stop') end('completed');
    });
    ws.on('close', () => end('connection_lost'));
  });
  return state;
}
