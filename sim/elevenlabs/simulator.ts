import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createLogger } from '../../lib/logger';
import { TimerSet } from '../shared/timer-set';
import { createAccountApi } from './account-api';
import { createControlApi } from './control-api';
import { ERRORS, sendElevenLabsError } from './elevenlabs-error';
import { InjectedFaults } from './injected-faults';
import { resolveOptions, type ElevenLabsSimulatorOptions } from './simulator-options';
import { ElevenLabsStats } from './stats';
import { createTextToSpeechApi, type ReceivedSynthesis } from './text-to-speech';

export type { ElevenLabsSimulatorOptions } from './simulator-options';

export interface ElevenLabsSimulator {
  /** Listens on `port` (0 or absent: a free port) and answers the port actually used. */
  start(port?: number): Promise<{ port: number }>;
  /** Cuts every stream and closes every connection; the process can exit afterwards. */
  stop(): Promise<void>;
  /** Forgets counters, received requests, injected faults and a changed concurrency limit; streams in flight go on. */
  reset(): void;
  /** `http://<host>:<port>`, once started: the SDK's `baseUrl`. */
  readonly baseUrl: string;
}

/**
 * ElevenLabs on loopback: the key check and account (`/v1/user`), voices and models, and streaming
 * text-to-speech (`POST /v1/text-to-speech/{voice_id}/stream`) with ElevenLabs' error answers and its
 * concurrency limit, plus `/sim/*` control endpoints. The real `@elevenlabs/elevenlabs-js` reaches it
 * by its `baseUrl` alone. See README.md in this folder.
 */
export function createElevenLabsSimulator(options: ElevenLabsSimulatorOptions = {}): ElevenLabsSimulator {
  const config = resolveOptions(options);
  const logger = options.logger ?? createLogger('elevenlabs-sim');
  const stats = new ElevenLabsStats();
  const faults = new InjectedFaults();
  const timers = new TimerSet();
  const received: ReceivedSynthesis[] = [];
  let concurrencyLimit = config.concurrencyLimit;

  function reset(): void {
    stats.reset();
    faults.clear();
    received.length = 0;
    concurrencyLimit = config.concurrencyLimit;
  }

  const tts = createTextToSpeechApi({ apiKey: config.apiKey, tuning: () => ({ ...config, concurrencyLimit }), stats, faults, received, timers, logger });
  const app = express();
  app.disable('x-powered-by');
  app.use(createAccountApi({ apiKey: config.apiKey, stats, charactersUsed: () => stats.charactersSynthesized }));
  app.use(tts.router);
  app.use(
    createControlApi({
      stats: () => stats.snapshot(tts.inFlight()),
      received: () => [...received],
      fault: () => faults.current,
      setFault: (fault) => faults.set(fault),
      clearFault: () => faults.clear(),
      setConcurrencyLimit: (limit) => (concurrencyLimit = limit),
      reset,
    }),
  );
  app.use((_req: Request, res: Response) => {
    sendElevenLabsError(res, 404, ERRORS.notFound);
  });
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    logger.error({ err }, 'request failed');
    sendElevenLabsError(res, 500, ERRORS.serverError);
  });

  let server: Server | undefined;
  let baseUrl = '';

  return {
    get baseUrl() {
      if (!server) throw new Error('the ElevenLabs simulator is not started');
      return baseUrl;
    },

    start(port = 0) {
      if (server) return Promise.reject(new Error('the ElevenLabs simulator is already started'));
      return new Promise((resolve, reject) => {
        const listening = app.listen(port, config.host);
        listening.once('error', reject);
        listening.once('listening', () => {
          listening.off('error', reject);
          server = listening;
          const actualPort = (listening.address() as AddressInfo).port;
          baseUrl = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${actualPort}`;
          logger.info({ port: actualPort, host: config.host, concurrencyLimit: config.concurrencyLimit }, 'ElevenLabs simulator listening');
          resolve({ port: actualPort });
        });
      });
    },

    async stop() {
      const closing = server;
      server = undefined;
      timers.clearAll();
      reset();
      if (!closing) return;
      await new Promise<void>((resolve, reject) => {
        closing.close((err) => (err ? reject(err) : resolve()));
        closing.closeAllConnections();
      });
      logger.info('ElevenLabs simulator stopped');
    },

    reset,
  };
}
