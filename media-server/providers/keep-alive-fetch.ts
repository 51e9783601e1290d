import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

/**
 * A `fetch` over Node's own HTTP agents, for SDKs that take a `fetch` option (the `openai` SDK): the
 * agents keep their connections open between requests for as long as the server does, tell how many
 * are idle and ready, and a fresh set of them is a guaranteed new connection, none of which Node's
 * global fetch offers (its undici pool drops an idle connection after 4 s unless the server's
 * Keep-Alive header allows longer, and shows nothing). Request bodies are strings or bytes, which is
 * all the SDK sends for chat completions and model lists.
 */
export interface KeepAliveFetch {
  fetch: typeof fetch;
  /** Open connections waiting for a request, over every origin. */
  idleConnections(): number;
  /** When a request through these agents last started or ended, ms since the epoch: the connection's last use. */
  readonly lastActivityAt: number | undefined;
  /** Closes every connection, idle or not. */
  destroy(): void;
}

export function createKeepAliveFetch(): KeepAliveFetch {
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  let lastActivityAt: number | undefined;

  const keepAliveFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    const headers = new Headers(init.headers);
    const body = requestBody(init.body);
    if (body !== undefined) headers.set('content-length', String(body.length));
    const secure = url.protocol === 'https:';
    lastActivityAt = Date.now();
    return new Promise<Response>((resolve, reject) => {
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return reject(abortError(signal));
      const req = (secure ? httpsRequest : httpRequest)(url, {
        method: init.method ?? 'GET',
        headers: Object.fromEntries(headers),
        agent: secure ? agents.https : agents.http,
      });
      let response: IncomingMessage | undefined;
      // The body a caller is reading fails with the abort itself, as fetch's does, not with a reset.
      const onAbort = () => {
        const err = abortError(signal);
        response?.destroy(err);
        req.destroy(err);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => {
        signal?.removeEventListener('abort', onAbort);
        reject(err);
      });
      req.on('response', (res: IncomingMessage) => {
        response = res;
        res.on('close', () => {
          lastActivityAt = Date.now();
          signal?.removeEventListener('abort', onAbort);
        });
        const status = res.statusCode ?? 500;
        const hasBody = status !== 204 && status !== 304 && init.method !== 'HEAD';
        resolve(
          new Response(hasBody ? (Readable.toWeb(res) as ReadableStream<Uint8Array>) : null, {
            status,
            statusText: res.statusMessage,
            headers: responseHeaders(res),
          }),
        );
        if (!hasBody) res.resume();
      });
      req.end(body);
    });
  };

  return {
    fetch: keepAliveFetch as typeof fetch,
    idleConnections: () => [agents.http, agents.https].reduce((sum, agent) => sum + Object.values(agent.freeSockets).reduce((n, sockets) => n + (sockets?.length ?? 0), 0), 0),
    get lastActivityAt() {
      return lastActivityAt;
    },
    destroy() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

function requestBody(body: RequestInit['body']): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('keep-alive fetch sends string or byte bodies only');
}

function responseHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  return new DOMException('This operation was aborted', 'AbortError');
}
