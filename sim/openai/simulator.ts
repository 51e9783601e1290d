import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createLogger } from '../../lib/logger';
import { createChatCompletionsApi } from './chat-completions';
import { createControlApi } from './control-api';
import { connectionSetupDelay } from './connection-setup';
import { createModelsApi } from './models-api';
import { createEmbeddingsApi } from './embeddings';
import { invalidRequest, sendOpenAiError } from './openai-error';
import { ProgrammedReplies } from './programmed-replies';
import { resolveOptions, type OpenAiSimulatorOptions } from './simulator-options';
import { OpenAiStats } from './stats';
import { ReceivedRequests } from './received-requests';

export type { OpenAiSimulatorOptions } from './simulator-options';

export interface OpenAiSimulator {
  /** Listens on `port` (0 or absent: a free port) and answers the port actually used. */
  start(port?: number): Promise<{ port: number }>;
  /** Aborts every generation and closes every connection; the process can exit afterwards. */
  stop(): Promise<void>;
  /** Forgets programmed replies and counters; requests being generated go on. */
  reset(): void;
  /** `http://<host>:<port>`, once started. The SDK's `baseURL` is this plus `/v1`. */
  readonly baseUrl: string;
}

/**
 * OpenAI's Chat Completions on loopback, with deterministic replies (reply-rules.ts) generated on
 * gpt-4o-mini's clock, streamed or not, deterministic embeddings (embeddings.ts), plus `/sim/*` control endpoints. The real `openai` SDK
 * reaches it by its `baseURL` alone. See README.md in this folder.
 */
export function createOpenAiSimulator(options: OpenAiSimulatorOptions = {}): OpenAiSimulator {
  const config = resolveOptions(options);
  const logger = options.logger ?? createLogger('openai-sim');
  const stats = new OpenAiStats();
  const replies = new ProgrammedReplies();
  const inFlight = new Set<AbortController>();
  const received = new ReceivedRequests();

  function reset(): void {
    replies.reset();
    stats.reset();
    received.reset();
  }

  const app = express();
  app.disable('x-powered-by');
  app.use(connectionSetupDelay(config.connectionSetupMs));
  app.use(createModelsApi({ apiKey: config.apiKey, stats }));
  app.use(createChatCompletionsApi({ apiKey: config.apiKey, pace: config, stats, replies, inFlight, received, logger }));
  app.use(createEmbeddingsApi({ apiKey: config.apiKey, latencyMs: config.embeddingsLatencyMs, stats, logger }));
  app.use(
    createControlApi({
      stats: () => stats.snapshot(),
      addReply: (reply) => replies.add(reply),
      replies: () => replies.all(),
      received: () => received.all(),
      reset,
    }),
  );
  app.use((req: Request, res: Response) => {
    sendOpenAiError(res, 404, invalidRequest(`Invalid URL (${req.method} ${req.path})`));
  });
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    logger.error({ err }, 'request failed');
    sendOpenAiError(res, 500, { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null });
  });

  let server: Server | undefined;
  let baseUrl = '';

  return {
    get baseUrl() {
      if (!server) throw new Error('the OpenAI simulator is not started');
      return baseUrl;
    },

    start(port = 0) {
      if (server) return Promise.reject(new Error('the OpenAI simulator is already started'));
      return new Promise((resolve, reject) => {
        const listening = app.listen(port, config.host);
        listening.once('error', reject);
        listening.once('listening', () => {
          listening.off('error', reject);
          server = listening;
          const actualPort = (listening.address() as AddressInfo).port;
          baseUrl = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${actualPort}`;
          logger.info({ port: actualPort, host: config.host, ttftMs: config.ttftMs, tokensPerSecond: config.tokensPerSecond }, 'OpenAI simulator listening');
          resolve({ port: actualPort });
        });
      });
    },

    async stop() {
      const closing = server;
      server = undefined;
      for (const controller of inFlight) controller.abort();
      inFlight.clear();
      reset();
      if (!closing) return;
      await new Promise<void>((resolve, reject) => {
        closing.close((err) => (err ? reject(err) : resolve()));
        closing.closeAllConnections();
      });
      logger.info('OpenAI simulator stopped');
    },

    reset,
  };
}
