import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createLogger } from '../../lib/logger';
import { callResource, type CallRecord } from './call-record';
import { silentCallee } from './callee-audio';
import type { ConnectRequest } from './connect-request';
import { createControlApi } from './control-api';
import { FaultInjector } from './faults';
import { HttpClient } from './http-client';
import { seededRandom } from './prng';
import { SlidingWindowRateLimiter } from './rate-limiter';
import { RECORDINGS_PATH } from './recorded-audio';
import { createRestApi } from './rest-api';
import { ScenarioBook } from './scenario-book';
import { SimulatedCall, type SimulatedCallDeps } from './simulated-call';
import { resolveOptions, type ExotelSimulatorOptions } from './simulator-options';
import { SimulatorStats } from './stats';
import { StatusCallbackDispatcher } from './status-callback-dispatcher';
import { TimerSet } from '../shared/timer-set';

export type { ExotelSimulatorOptions } from './simulator-options';

export interface ExotelSimulator {
  /** Listens on `port` (0 or absent: a free port) and answers the port actually used. */
  start(port?: number): Promise<{ port: number }>;
  /** Ends every call, timer, socket and connection; the process can exit afterwards. */
  stop(): Promise<void>;
  /** Forgets calls, counters, programmed scenarios and faults (back to the options' faults). */
  reset(): void;
  /** `http://<host>:<port>`, once started. */
  readonly baseUrl: string;
}

/**
 * Exotel on loopback: the v1 voice API, simulated callees, status callbacks, the Voicebot media leg
 * and fault injection, plus `/sim/*` control endpoints. See README.md in this folder.
 */
export function createExotelSimulator(options: ExotelSimulatorOptions = {}): ExotelSimulator {
  const config = resolveOptions(options);
  const logger = options.logger ?? createLogger('exotel-sim');
  const stats = new SimulatorStats();
  const calls = new Map<string, SimulatedCall>();
  const scenarios = new ScenarioBook();
  const faults = new FaultInjector(seededRandom(config.seed), config.faults);
  const rateLimiter = new SlidingWindowRateLimiter(config.rateLimitPerMinute);
  const http = new HttpClient();
  const requestTimers = new TimerSet();
  let server: Server | undefined;
  let baseUrl = '';
  const callbacks = new StatusCallbackDispatcher({
    http,
    faults,
    stats,
    timing: config.timing,
    logger,
  });
  const callDeps: SimulatedCallDeps = {
    timing: config.timing,
    voicebotUrl: config.voicebotUrl,
    calleeAudio: options.calleeAudio ?? silentCallee,
    http,
    callbacks,
    stats,
    logger,
    recordingUrl: (sid) => `${baseUrl}${RECORDINGS_PATH}/${config.accountSid}/${sid}.wav`,
  };

  function placeCall(request: ConnectRequest): { Call: Record<string, unknown> } | undefined {
    const scenario = scenarios.takeForDial(request.from);
    if (scenario.name === 'invalid-number') return undefined;
    const now = new Date();
    const record: CallRecord = {
      sid: randomBytes(16).toString('hex'),
      accountSid: config.accountSid,
      request,
      scenario,
      status: 'queued',
      timeline: [{ status: 'queued', at: now }],
      createdAt: now,
      updatedAt: now,
      answeredAt: undefined,
      endedAt: undefined,
      endReason: undefined,
      callbacks: [],
      recordingUrl: undefined,
    };
    const call = new SimulatedCall(record, callDeps);
    calls.set(record.sid, call);
    stats.recordDial(request.customField);
    logger.info({ callSid: record.sid, scenario: scenario.name, customField: request.customField }, 'call placed');
    call.begin();
    return callResource(record, now, config.timing.durationLagMs, false);
  }

  function reset(): void {
    for (const call of calls.values()) call.abort();
    calls.clear();
    callbacks.reset();
    http.abortAll();
    scenarios.reset();
    faults.replace(config.faults);
    rateLimiter.reset();
    stats.reset();
  }

  const app = express();
  app.disable('x-powered-by');
  app.use(
    createRestApi({
      accountSid: config.accountSid,
      apiKey: config.apiKey,
      apiToken: config.apiToken,
      rateLimiter,
      faults,
      stats,
      timers: requestTimers,
      logger,
      placeCall,
      callResource: (sid, withDetails) => {
        const call = calls.get(sid);
        return call && callResource(call.record, new Date(), config.timing.durationLagMs, withDetails);
      },
      isDnd: (e164) => scenarios.peek(e164).name === 'dnd',
    }),
  );
  // Exotel's recordings sit in public storage: whoever has the URL may fetch it, without the API's credentials.
  app.get(`${RECORDINGS_PATH}/:accountSid/:file`, (req, res) => {
    const sid = /^(.+)\.wav$/.exec(req.params.file)?.[1];
    const wav = req.params.accountSid === config.accountSid && sid !== undefined ? calls.get(sid)?.recordingWav() : undefined;
    if (!wav) {
      res.status(404).type('text/plain').send('no such recording');
      return;
    }
    res.type('audio/wav').send(wav);
  });
  app.use(
    createControlApi({
      stats: () => stats.snapshot(),
      calls: () => [...calls.values()].map((call) => call.snapshot()),
      call: (sid) => calls.get(sid)?.snapshot(),
      calleeHangsUp: (sid) => calls.get(sid)?.calleeHangsUp(),
      programScenarios: (e164, sequence) => scenarios.program(e164, sequence),
      programmedScenarios: () => scenarios.programmedSequences(),
      faults: () => faults.current(),
      replaceFaults: (input) => faults.replace(input),
      reset,
    }),
  );
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const status = typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' ? err.status : 500;
    if (status >= 500) logger.error({ err }, 'request failed');
    res.status(status).json({ error: { code: status >= 500 ? 'internal' : 'bad_request', message: err instanceof Error ? err.message : 'request failed', details: null } });
  });

  return {
    get baseUrl() {
      if (!server) throw new Error('the Exotel simulator is not started');
      return baseUrl;
    },

    start(port = 0) {
      if (server) return Promise.reject(new Error('the Exotel simulator is already started'));
      return new Promise((resolve, reject) => {
        const listening = app.listen(port, config.host);
        listening.once('error', reject);
        listening.once('listening', () => {
          listening.off('error', reject);
          server = listening;
          const actualPort = (listening.address() as AddressInfo).port;
          baseUrl = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${actualPort}`;
          logger.info({ port: actualPort, host: config.host, accountSid: config.accountSid }, 'Exotel simulator listening');
          resolve({ port: actualPort });
        });
      });
    },

    async stop() {
      reset();
      // Requests a hang fault holds are cut with the connections below; their timers go first.
      requestTimers.clearAll();
      const closing = server;
      server = undefined;
      if (!closing) return;
      await new Promise<void>((resolve, reject) => {
        closing.close((err) => (err ? reject(err) : resolve()));
        closing.closeAllConnections();
      });
      logger.info('Exotel simulator stopped');
    },

    reset,
  };
}
