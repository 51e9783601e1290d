import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { WebSocketServer, type WebSocket } from 'ws';
import { createLogger } from '../../lib/logger';
import { createExotelSimulator, type ExotelSimulator, type ExotelSimulatorOptions } from '../../sim/exotel/simulator';

/** Real HTTP and WebSocket plumbing for the Exotel simulator tests: all on 127.0.0.1, ephemeral ports. */

export const ACCOUNT = 'test-account';
export const API_KEY = 'test-key';
export const API_TOKEN = 'test-token';
export const CALLER_ID = '08047112233';

/** Tens of milliseconds instead of seconds, so a whole call fits in a test. */
export const FAST_TIMING: ExotelSimulatorOptions = {
  queuedMs: 20,
  ringMs: 30,
  callbackDelayMs: 0,
  callbackTimeoutMs: 1000,
  callbackRetryDelayMs: 20,
  mediaConnectTimeoutMs: 1000,
  mediaRetryDelayMs: 50,
  calleeHangUpAfterMs: 300,
};

export async function startSimulator(options: ExotelSimulatorOptions = {}): Promise<ExotelSimulator> {
  const simulator = createExotelSimulator({
    accountSid: ACCOUNT,
    apiKey: API_KEY,
    apiToken: API_TOKEN,
    logger: createLogger('exotel-sim-test', { level: 'silent' }),
    ...FAST_TIMING,
    ...options,
  });
  await simulator.start(0);
  return simulator;
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: <T = Record<string, unknown>>() => T;
}

/** One request on a fresh connection, so no keep-alive socket outlives a test. */
export function request(
  method: string,
  url: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const req = http.request(url, {
      method,
      agent: false,
      headers: { ...options.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
    });
    const timer = setTimeout(() => req.destroy(new Error('test request timed out')), options.timeoutMs ?? 5000);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
      });
    });
    req.end(body);
  });
}

export function basicAuth(key = API_KEY, token = API_TOKEN): string {
  return `Basic ${Buffer.from(`${key}:${token}`).toString('base64')}`;
}

export function connectUrl(simulator: ExotelSimulator, account = ACCOUNT): string {
  return `${simulator.baseUrl}/v1/Accounts/${account}/Calls/connect.json`;
}

export function dial(simulator: ExotelSimulator, params: Record<string, string>, auth = basicAuth()): Promise<HttpAnswer> {
  return request('POST', connectUrl(simulator), {
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
}

export interface CallResource {
  Sid: string;
  Status: string;
  [field: string]: unknown;
}

export async function dialOk(simulator: ExotelSimulator, params: Record<string, string>): Promise<CallResource> {
  const answer = await dial(simulator, params);
  if (answer.status !== 200) throw new Error(`dial failed: ${answer.status} ${answer.text}`);
  return answer.json<{ Call: CallResource }>().Call;
}

export async function simGet<T = Record<string, unknown>>(simulator: ExotelSimulator, path: string): Promise<T> {
  const answer = await request('GET', `${simulator.baseUrl}${path}`);
  if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${answer.text}`);
  return answer.json<T>();
}

export async function simPost(simulator: ExotelSimulator, path: string, body: unknown): Promise<HttpAnswer> {
  return request('POST', `${simulator.baseUrl}${path}`, {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export async function waitFor<T>(probe: () => T | Promise<T>, description: string, timeoutMs = 5000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function callState(simulator: ExotelSimulator, sid: string): Promise<SimCall> {
  return simGet<SimCall>(simulator, `/sim/calls/${sid}`);
}

export async function waitForStatus(simulator: ExotelSimulator, sid: string, status: string, timeoutMs = 5000): Promise<SimCall> {
  return waitFor(async () => {
    const call = await callState(simulator, sid);
    return call.status === status ? call : undefined;
  }, `call ${sid} to reach ${status}`, timeoutMs);
}

export interface SimCall {
  sid: string;
  status: string;
  endReason: string | null;
  answeredAt: string | null;
  endedAt: string | null;
  callbacks: { event: string; copy: number; attempt: number; outcome: string; httpStatus?: number; faults: string[] }[];
  media: {
    connected: boolean;
    connectAttempts: number;
    connectErrors: string[];
    closedBy: string | null;
    chunksSent: number;
    bytesReceived: number;
    bytesPlayed: number;
    bytesCleared: number;
    marksReceived: number;
    marksEchoed: string[];
    clearsReceived: number;
    customParameters: Record<string, string>;
  } | null;
}

export interface ReceivedCallback {
  path: string;
  query: Record<string, string>;
  contentType: string;
  fields: Record<string, unknown>;
  receivedAt: number;
}

/** Ringline's webhook endpoint, as far as the simulator can tell: records every callback it gets. */
export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  /** Decides the HTTP status of each answer; 200 unless a test says otherwise. */
  answerWith: (callback: ReceivedCallback) => number = () => 200;
  /** Milliseconds to wait before answering each callback; 0 unless a test says otherwise. */
  answerAfterMs: (callback: ReceivedCallback) => number = () => 0;
  private server: http.Server | undefined;
  private readonly answerTimers = new Set<NodeJS.Timeout>();

  async start(): Promise<string> {
    const app = express();
    app.use(express.raw({ type: () => true }));
    app.post('/{*path}', async (req, res) => {
      const contentType = req.get('content-type') ?? '';
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const fields = contentType.startsWith('application/json')
        ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>)
        : Object.fromEntries((await new Response(body, { headers: { 'content-type': contentType } }).formData()).entries());
      const callback: ReceivedCallback = {
        path: req.path,
        query: Object.fromEntries(new URL(req.originalUrl, 'http://receiver').searchParams),
        contentType,
        fields,
        receivedAt: Date.now(),
      };
      this.received.push(callback);
      const delay = this.answerAfterMs(callback);
      if (delay > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.answerTimers.delete(timer);
            resolve();
          }, delay);
          this.answerTimers.add(timer);
        });
      }
      if (!res.destroyed) res.status(this.answerWith(callback)).end();
    });
    this.server = await listen(app);
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  forCall(sid: string): ReceivedCallback[] {
    return this.received.filter((callback) => callback.fields.CallSid === sid);
  }

  async stop(): Promise<void> {
    for (const timer of this.answerTimers) clearTimeout(timer);
    this.answerTimers.clear();
    await closeServer(this.server);
  }
}

export interface BotMessage {
  event?: string;
  receivedAt: number;
  [key: string]: unknown;
}

export interface BotConnection {
  socket: WebSocket;
  url: string;
  messages: BotMessage[];
}

/** Ringline's media server, as far as the simulator can tell: accepts the media leg and records what arrives. */
export class BotServer {
  readonly connections: BotConnection[] = [];
  /** Runs for each new connection (e.g. to close it after a while). */
  onConnection: (connection: BotConnection) => void = () => undefined;
  private server: http.Server | undefined;
  private wss: WebSocketServer | undefined;

  async start(): Promise<string> {
    this.server = http.createServer();
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (socket, req) => {
      const connection: BotConnection = { socket, url: req.url ?? '', messages: [] };
      socket.on('message', (data) => {
        connection.messages.push({ ...(JSON.parse((data as Buffer).toString('utf8')) as Record<string, unknown>), receivedAt: Date.now() });
      });
      this.connections.push(connection);
      this.onConnection(connection);
    });
    await new Promise<void>((resolve) => (this.server as http.Server).listen(0, '127.0.0.1', resolve));
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const client of this.wss?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
    await closeServer(this.server);
  }
}

export function listen(app: express.Express): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1');
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

export async function closeServer(server: http.Server | undefined): Promise<void> {
  if (!server) return;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A port nothing listens on: bound, read, released. */
export async function unusedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await closeServer(server);
  return port;
}
