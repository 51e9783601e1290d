import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../../lib/logger';
import { parseConnectRequest, type ConnectRequest } from './connect-request';
import type { ApiEndpointName, FaultInjector } from './faults';
import { parseFormBody } from './form-body';
import { numberMetadata } from './number-metadata';
import { normalizePhoneNumber } from './phone-number';
import type { SlidingWindowRateLimiter } from './rate-limiter';
import { resourceRef, sendResource, type ResponseFormat } from './response-format';
import { REST_EXCEPTION_CODES, RestException } from './rest-exception';
import type { SimulatorStats } from './stats';
import type { TimerSet } from '../shared/timer-set';

/** What the v1 API needs from the rest of the simulator. */
export interface RestApiDeps {
  accountSid: string;
  apiKey: string;
  apiToken: string;
  rateLimiter: SlidingWindowRateLimiter;
  faults: FaultInjector;
  stats: SimulatorStats;
  /** Timers of requests a `hang` fault holds; cleared when the simulator stops. */
  timers: TimerSet;
  logger: Logger;
  /** Places a call; answers undefined when the number's scenario says Exotel refuses it as invalid. */
  placeCall(request: ConnectRequest): { Call: Record<string, unknown> } | undefined;
  callResource(sid: string, withDetails: boolean): { Call: Record<string, unknown> } | undefined;
  isDnd(e164: string): boolean;
}

interface V1Result {
  status: number;
  body: object;
}

type V1Handler = (req: Request, id: string) => Promise<V1Result> | V1Result;

const BODY_LIMIT = '1mb';

/**
 * Exotel's v1 voice API: Calls/connect, call details, number metadata. Every request passes the
 * same gates in Exotel's order: Basic auth (401), the account in the path (404), the account's rate
 * limit (429; refused requests do nothing), then any injected API fault, then the endpoint itself.
 */
export function createRestApi(deps: RestApiDeps): Router {
  const router = express.Router();
  const rawBody = express.raw({ type: () => true, limit: BODY_LIMIT });

  router.post('/v1/Accounts/:accountSid/Calls/:action', rawBody, endpoint(deps, 'connect', 'action', async (req, id) => {
    if (id !== 'connect') throw notFound();
    return connect(deps, req);
  }));
  router.get('/v1/Accounts/:accountSid/Calls/:callRef', endpoint(deps, 'call-details', 'callRef', (req, id) => {
    const resource = deps.callResource(id, req.query.details === 'true');
    if (!resource) throw new RestException(404, `Call ${id} not found`, REST_EXCEPTION_CODES.notFound);
    return { status: 200, body: resource };
  }));
  router.get('/v1/Accounts/:accountSid/Numbers/:numberRef', endpoint(deps, 'number-metadata', 'numberRef', (_req, id) => {
    const e164 = normalizePhoneNumber(id);
    if (!e164) throw new RestException(400, `${id} is not a valid phone number`, REST_EXCEPTION_CODES.invalidPhoneNumber);
    return { status: 200, body: { Numbers: numberMetadata(e164, deps.isDnd(e164)) } };
  }));
  router.all('/v1/{*rest}', (req, res) => {
    sendResource(res, req.path.endsWith('.json') ? 'json' : 'xml', 404, notFound().toBody());
  });
  return router;
}

async function connect(deps: RestApiDeps, req: Request): Promise<V1Result> {
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const params = body.length === 0 ? new URLSearchParams() : await parseFormBody(req.get('content-type'), body);
  if (!params) {
    throw new RestException(400, 'Send the parameters as application/x-www-form-urlencoded or multipart/form-data', REST_EXCEPTION_CODES.unsupportedBody);
  }
  const request = parseConnectRequest(params);
  const resource = deps.placeCall(request);
  if (!resource) {
    throw new RestException(400, `From ${request.fromAsSent} is not a valid phone number`, REST_EXCEPTION_CODES.invalidPhoneNumber);
  }
  return { status: 200, body: resource };
}

function endpoint(deps: RestApiDeps, name: ApiEndpointName, refParam: string, handler: V1Handler) {
  return async (req: Request, res: Response): Promise<void> => {
    const { id, format } = resourceRef(String(req.params[refParam]));
    try {
      authenticate(deps, req);
      if (req.params.accountSid !== deps.accountSid) {
        throw new RestException(404, `Account ${String(req.params.accountSid)} not found`, REST_EXCEPTION_CODES.notFound);
      }
      deps.stats.apiRequests += 1;
      if (!deps.rateLimiter.tryAdmit(deps.accountSid)) {
        deps.stats.rateLimited += 1;
        throw new RestException(429, 'Rate limit exceeded: too many requests per minute for this account', REST_EXCEPTION_CODES.rateLimited);
      }
      const fault = deps.faults.forApi(name);
      if (fault) deps.stats.apiFaultsInjected += 1;
      if (fault?.action === 'status') throw new RestException(fault.status, `Injected fault: HTTP ${fault.status}`);
      if (fault?.action === 'hang' && !fault.process) {
        deps.timers.after(fault.ms, () => req.socket.destroy());
        return;
      }
      const result = await handler(req, id);
      if (fault?.action === 'hang') await deps.timers.sleep(fault.ms);
      sendResource(res, format, result.status, result.body);
    } catch (err) {
      sendError(deps.logger, res, format, err);
    }
  };
}

function authenticate(deps: RestApiDeps, req: Request): void {
  const header = req.get('authorization') ?? '';
  const [scheme, encoded] = header.split(' ');
  if (scheme?.toLowerCase() === 'basic' && encoded) {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    if (decoded.slice(0, separator) === deps.apiKey && decoded.slice(separator + 1) === deps.apiToken) return;
  }
  throw new RestException(401, 'Authentication failed: check the API key and token', REST_EXCEPTION_CODES.authenticationFailed);
}

function notFound(): RestException {
  return new RestException(404, 'The requested resource was not found', REST_EXCEPTION_CODES.notFound);
}

function sendError(logger: Logger, res: Response, format: ResponseFormat, err: unknown): void {
  if (err instanceof RestException) {
    sendResource(res, format, err.status, err.toBody());
    return;
  }
  logger.error({ err }, 'v1 request failed');
  sendResource(res, format, 500, new RestException(500, 'Internal error').toBody());
}
