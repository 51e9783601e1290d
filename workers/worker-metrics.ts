import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metric, Registry } from 'prom-client';
import type { Config } from '../domain/config';
import { createMetricsRegistry } from '../lib/metrics';
import { carriesMetricsToken } from '../lib/metrics-token';

export type WorkerKind = 'general' | 'exotel';

/** Where one worker process serves its figures: its own `/metrics` and the Temporal SDK's exporter. */
export interface WorkerMetricsAddresses {
  host: string;
  port: number;
  sdkPort: number;
}

/** Null when METRICS_ENABLED is false: the worker then opens no metrics port at all. */
export function workerMetricsAddresses(config: Config, kind: WorkerKind): WorkerMetricsAddresses | null {
  if (!config.METRICS_ENABLED) return null;
  return kind === 'general'
    ? { host: config.WORKER_METRICS_HOST, port: config.WORKER_METRICS_PORT, sdkPort: config.WORKER_SDK_METRICS_PORT }
    : { host: config.WORKER_METRICS_HOST, port: config.EXOTEL_WORKER_METRICS_PORT, sdkPort: config.EXOTEL_WORKER_SDK_METRICS_PORT };
}

/** The process's registry: Node's defaults (lib/metrics.ts) and the business figures its activities count. */
export function createWorkerRegistry(processName: string, metrics: Metric[]): Registry {
  const registry = createMetricsRegistry(processName);
  for (const metric of metrics) registry.registerMetric(metric);
  return registry;
}

function answerJson(res: http.ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ error: { code, message } }));
}

/**
 * `GET /metrics` behind METRICS_TOKEN, answered exactly as the API's (api/routes/metrics.ts): without a
 * token configured the route does not exist, a wrong or missing token is 401. Nothing else is served.
 */
export async function serveWorkerMetrics(registry: Registry, token: string | undefined, host: string, port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://worker').pathname;
    if (req.method !== 'GET' || path !== '/metrics' || !token) return answerJson(res, 404, 'NOT_FOUND', `No route for ${req.method} ${path}`);
    if (!carriesMetricsToken(req.headers.authorization, token)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="ringline-metrics"');
      return answerJson(res, 401, 'UNAUTHENTICATED', 'The metrics token is missing or wrong');
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
        res.end(text);
      },
      (err: unknown) => answerJson(res, 500, 'INTERNAL', err instanceof Error ? err.message : String(err)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

export function boundPort(server: http.Server): number {
  return (server.address() as AddressInfo).port;
}

export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** `host:port` for the SDK's exporter, with an IPv6 host in brackets. */
export function sdkBindAddress(addresses: WorkerMetricsAddresses): string {
  return `${addresses.host.includes(':') ? `[${addresses.host}]` : addresses.host}:${addresses.sdkPort}`;
}
