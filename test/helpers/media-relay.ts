import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer, type RawData } from 'ws';

/**
 * A WebSocket hop between the Exotel simulator and the media server, standing in for the network in
 * between. It passes frames and closes through unchanged, and lets a test do to one call what a
 * network or a broken bridge does: cut the connection without a close frame, slip frames in on
 * Exotel's side, or spoil the token of the next connection on its way.
 */
export interface MediaRelay {
  /** What the dial's StreamUrl points at (PUBLIC_MEDIA_WS_URL). */
  wsUrl: string;
  /** How `callId`'s connections to the media server closed, in order (1006: no close frame). */
  mediaCloseCodes(callId: string): number[];
  /** Whether `callId` has a connection open right now. */
  isLive(callId: string): boolean;
  /** Cuts the call's live connection on both sides, as a dead network path does: no `stop`, no close frame. */
  cut(callId: string): void;
  /** Sends raw frames to the media server as if Exotel had sent them on the call's live stream. */
  inject(callId: string, frames: (string | Buffer)[]): void;
  /** The next connection reaches the media server with one character of its token changed. */
  spoilNextToken(): void;
  stop(): Promise<void>;
}

interface Link {
  callId: string;
  media: WebSocket;
  exotel?: WebSocket;
  /** Set when the media side closed before Exotel's side had finished its handshake. */
  mediaClosed?: { code: number; reason: Buffer };
}

const MEDIA_PATH = /^\/ws\/exotel\/voice\/([^/]+)\/\d+$/;
/** 1005/1006 mean "no close frame": the other side gets none either. */
const NO_CLOSE_FRAME = new Set([1005, 1006]);

function pass(to: WebSocket | undefined, code: number, reason: Buffer): void {
  if (!to || to.readyState !== WebSocket.OPEN) return;
  if (NO_CLOSE_FRAME.has(code)) to.terminate();
  else to.close(code, reason);
}

export async function startMediaRelay(target: string): Promise<MediaRelay> {
  const links = new Set<Link>();
  const closeCodes = new Map<string, number[]>();
  let spoil = false;
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });

  // Exotel's handshake completes only once the media server's has, so a refused one is refused here too.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://relay');
    const callId = decodeURIComponent(MEDIA_PATH.exec(url.pathname)?.[1] ?? '');
    if (spoil) {
      spoil = false;
      const token = url.searchParams.get('token') ?? '';
      url.searchParams.set('token', `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`);
    }
    const link: Link = { callId, media: new WebSocket(`${target}${url.pathname}${url.search}`) };
    const { media } = link;
    media.on('error', () => {
      if (!link.exotel) socket.destroy();
    });
    media.once('unexpected-response', (request, response) => {
      request.destroy();
      socket.end(`HTTP/1.1 ${response.statusCode} ${response.statusMessage}\r\nConnection: close\r\n\r\n`);
    });
    media.on('message', (data: RawData, isBinary) => {
      if (link.exotel?.readyState === WebSocket.OPEN) link.exotel.send(data, { binary: isBinary });
    });
    media.on('close', (code, reason) => {
      links.delete(link);
      closeCodes.set(callId, [...(closeCodes.get(callId) ?? []), code]);
      if (link.exotel) pass(link.exotel, code, reason);
      else link.mediaClosed = { code, reason };
    });
    media.once('open', () => {
      links.add(link);
      wss.handleUpgrade(req, socket, head, (exotel) => {
        link.exotel = exotel;
        exotel.on('error', () => undefined);
        exotel.on('message', (data: RawData, isBinary) => {
          if (media.readyState === WebSocket.OPEN) media.send(data, { binary: isBinary });
        });
        exotel.on('close', (code, reason) => {
          links.delete(link);
          pass(media, code, reason);
        });
        if (link.mediaClosed) pass(exotel, link.mediaClosed.code, link.mediaClosed.reason);
      });
    });
  });

  const live = (callId: string) => [...links].find((link) => link.callId === callId && link.exotel);

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    wsUrl: `ws://127.0.0.1:${port}`,
    mediaCloseCodes: (callId) => closeCodes.get(callId) ?? [],
    isLive: (callId) => live(callId) !== undefined,
    cut: (callId) => {
      const link = live(callId);
      if (!link) throw new Error(`no live stream for call ${callId}`);
      links.delete(link);
      link.exotel?.terminate();
      link.media.terminate();
    },
    inject: (callId, frames) => {
      const link = live(callId);
      if (!link) throw new Error(`no live stream for call ${callId}`);
      for (const frame of frames) link.media.send(frame, { binary: Buffer.isBuffer(frame) });
    },
    spoilNextToken: () => {
      spoil = true;
    },
    stop: async () => {
      for (const link of links) {
        link.exotel?.terminate();
        link.media.terminate();
      }
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
