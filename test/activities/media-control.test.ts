import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createMediaControlActivities } from '../../activities/media-control';
import { CONTROL_NONCE_HEADER, CONTROL_SIGNATURE_HEADER, CONTROL_TIMESTAMP_HEADER, verifyControlRequest } from '../../lib/hmac-auth';
import { generateSecrets } from '../../lib/generated-secrets';

/** endLiveCall against a loopback server that records what reaches it. */
describe('endLiveCall', () => {
  const secret = generateSecrets().MEDIA_TOKEN_SECRET;
  const hits: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        hits.push({ url: req.url ?? '', headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    hits.length = 0;
  });

  const request = (controlUrl: string) => ({ controlUrl, callId: 'call_x', attempt: 1, mode: 'goodbye' as const, reason: 'cancelled' });
  const run = (allowed: string[], controlUrl: string) =>
    new MockActivityEnvironment().run(createMediaControlActivities(secret, allowed).endLiveCall, request(controlUrl));

  it('never sends to a control URL outside the configured media servers, whatever the signal said', async () => {
    // The recording server is reachable, only not configured: nothing may reach it.
    for (const controlUrl of [`${base}/control/end`, `${base}/anything`, 'http://169.254.169.254/latest/meta-data']) {
      await expect(run(['http://127.0.0.1:1'], controlUrl)).rejects.toMatchObject({ type: 'MediaControlUrlNotAllowed', nonRetryable: true });
    }
    await expect(run([base], `${base}/other`)).rejects.toMatchObject({ type: 'MediaControlUrlNotAllowed' });
    expect(hits).toEqual([]);
  });

  it('sends a signed request with a fresh nonce to a configured media server', async () => {
    await run(['http://127.0.0.1:1', base], `${base}/control/end`);
    await run(['http://127.0.0.1:1', base], `${base}/control/end`);
    expect(hits).toHaveLength(2);
    for (const hit of hits) {
      expect(hit.url).toBe('/control/end');
      const signed = {
        timestamp: Number(hit.headers[CONTROL_TIMESTAMP_HEADER]),
        nonce: String(hit.headers[CONTROL_NONCE_HEADER]),
        body: hit.body,
        signature: String(hit.headers[CONTROL_SIGNATURE_HEADER]),
      };
      expect(verifyControlRequest(secret, signed)).toBe(true);
    }
    expect(hits[0].headers[CONTROL_NONCE_HEADER]).not.toBe(hits[1].headers[CONTROL_NONCE_HEADER]);
  });
});
