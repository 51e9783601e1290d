import http, { type ClientRequest } from 'node:http';

/**
 * GET of a JSON document on a fresh connection (no keep-alive socket outlives a lookup), cut when
 * `timeoutMs` passes or the simulator stops. Resolves undefined for anything but a 200 with JSON.
 */
export class JsonGetter {
  private readonly inFlight = new Set<ClientRequest>();

  get(url: string, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve) => {
      const request = http.get(url, { agent: false, headers: { accept: 'application/json' } });
      this.inFlight.add(request);
      const timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      let settled = false;
      const finish = (value: unknown): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inFlight.delete(request);
        resolve(value);
      };
      request.on('error', () => finish(undefined));
      // A response cut short ends without 'end'; the request's 'close' comes last in every case.
      request.on('close', () => finish(undefined));
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', () => finish(undefined));
        response.on('end', () => {
          if (response.statusCode !== 200) return finish(undefined);
          try {
            finish(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            finish(undefined);
          }
        });
      });
    });
  }

  abortAll(): void {
    for (const request of this.inFlight) request.destroy(new Error('simulator stopped'));
    this.inFlight.clear();
  }
}
