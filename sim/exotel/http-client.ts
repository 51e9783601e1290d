import http, { type ClientRequest } from 'node:http';
import https from 'node:https';

/**
 * The simulator's outgoing HTTP (status callbacks, the Voicebot URL lookup). Built on node:http with
 * a fresh connection per request, so no keep-alive socket outlives a call, and every request in
 * flight can be cut when the simulator stops or resets.
 */
export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpRequestOptions {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Covers the whole exchange, from connecting until the last byte of the answer. */
  timeoutMs: number;
}

export class HttpTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
    this.name = 'HttpTimeoutError';
  }
}

export class HttpClient {
  private readonly inFlight = new Set<ClientRequest>();

  request(options: HttpRequestOptions): Promise<HttpResult> {
    return new Promise((resolve, reject) => {
      const url = new URL(options.url);
      const transport = url.protocol === 'https:' ? https : http;
      const headers = { ...options.headers, ...(options.body ? { 'content-length': String(options.body.length) } : {}) };
      const request = transport.request(url, { method: options.method, headers, agent: false });
      this.inFlight.add(request);

      const timer = setTimeout(() => request.destroy(new HttpTimeoutError(options.timeoutMs)), options.timeoutMs);
      const settle = (): void => {
        clearTimeout(timer);
        this.inFlight.delete(request);
      };

      request.on('close', settle);
      request.on('error', (err) => {
        settle();
        reject(err);
      });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (err) => {
          settle();
          reject(err);
        });
        response.on('end', () => {
          settle();
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) });
        });
      });
      request.end(options.body);
    });
  }

  abortAll(): void {
    for (const request of this.inFlight) request.destroy(new Error('simulator stopped'));
    this.inFlight.clear();
  }
}
