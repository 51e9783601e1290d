import { ApplicationFailure, log } from '@temporalio/activity';
import { attemptKey } from '../domain/attempt-address';
import type { Config } from '../domain/config';
import type { CallDetails, DialRequest, DialResult } from '../domain/dial-result';
import { DEFAULT_ORG_ID } from '../domain/access-control';
import { isDndEntryFresh, type DndCheckResult } from '../domain/dnd';
import { lastFourDigits, maskPhoneNumbers } from '../domain/phone-mask';
import { isOnDoNotCallList } from '../db/do-not-call-list';
import { DndLookup } from '../db/models/dnd-lookup';
import { withWriteRetry } from '../db/transient-write-error';
import { countDialRequest } from '../lib/business-metrics/dial-requests';
import { mediaStreamUrl, statusCallbackUrl } from '../lib/hmac-auth';
import { ExotelApi, ExotelApiError, type ExotelCall } from './exotel-api';

export type ExotelConfig = Pick<
  Config,
  | 'EXOTEL_CALLER_ID'
  | 'EXOTEL_MODE'
  | 'EXOTEL_FLOW_URL'
  | 'PUBLIC_API_URL'
  | 'PUBLIC_MEDIA_WS_URL'
  | 'WEBHOOK_SECRET'
  | 'MEDIA_TOKEN_SECRET'
  | 'MEDIA_TOKEN_TTL_SEC'
  | 'STATUS_CALLBACK_GRACE_SEC'
  | 'DND_CACHE_TTL_SEC'
>;

/**
 * Exotel's Calls/connect parameters for one attempt (DESIGN §7.1). The StatusCallback URL is signed
 * for as long as the attempt can produce callbacks (ring time, call, grace for late ones); the
 * StreamUrl for the ring time plus MEDIA_TOKEN_TTL_SEC, and it opens one socket, once.
 */
export function connectParameters(request: DialRequest, config: ExotelConfig, now: number): Record<string, string> {
  const callbackExpiresAt = now + (request.ringTimeoutSec + request.maxCallDurationSec + config.STATUS_CALLBACK_GRACE_SEC) * 1000;
  const params: Record<string, string> = {
    From: request.phoneNumber,
    CallerId: config.EXOTEL_CALLER_ID,
    CallType: 'trans',
    TimeLimit: String(Math.min(request.maxCallDurationSec, 14_400)),
    TimeOut: String(request.ringTimeoutSec),
    CustomField: attemptKey(request.callId, request.attempt),
    StatusCallback: statusCallbackUrl(config.PUBLIC_API_URL, config.WEBHOOK_SECRET, request, callbackExpiresAt),
    'StatusCallbackEvents[0]': 'answered',
    'StatusCallbackEvents[1]': 'terminal',
    StatusCallbackContentType: 'application/json',
  };
  if (request.record) {
    // One channel per side, so a reviewer can hear the caller and the bot apart.
    params.Record = 'true';
    params.RecordingChannels = 'dual';
  }
  if (config.EXOTEL_MODE === 'flow') {
    params.Url = config.EXOTEL_FLOW_URL ?? '';
  } else {
    const expiresAt = now + (request.ringTimeoutSec + config.MEDIA_TOKEN_TTL_SEC) * 1000;
    params.StreamUrl = mediaStreamUrl(config.PUBLIC_MEDIA_WS_URL, config.MEDIA_TOKEN_SECRET, { callId: request.callId, attempt: request.attempt, expiresAt });
    params.StreamType = 'bidirectional';
  }
  return params;
}

function toDetails(call: ExotelCall): CallDetails {
  const duration = call.Duration === null || call.Duration === undefined || call.Duration === '' ? null : Number(call.Duration);
  return {
    callSid: call.Sid,
    status: call.Status,
    answered: Boolean(call.StartTime) && call.Status !== 'busy' && call.Status !== 'no-answer' && call.Status !== 'failed',
    startTime: call.StartTime ?? null,
    endTime: call.EndTime ?? null,
    durationSec: Number.isFinite(duration) ? duration : null,
    recordingUrl: call.RecordingUrl ?? null,
  };
}

function configurationFailure(err: ExotelApiError): ApplicationFailure {
  return ApplicationFailure.nonRetryable(maskPhoneNumbers(err.message), 'ExotelConfigurationError');
}

/** The cache only saves Exotel requests: when the database cannot answer, Exotel still can. */
async function cachedDnd(e164: string, ttlSec: number, now: Date): Promise<DndCheckResult | undefined> {
  try {
    const entry = await DndLookup.findById(e164).lean();
    if (!entry || !isDndEntryFresh(entry.checkedAt, ttlSec, now)) return undefined;
    return { dnd: entry.dnd, source: 'cache', checkedAt: entry.checkedAt.toISOString() };
  } catch (err) {
    log.warn('DND cache unreadable, asking Exotel', { phoneLast4: lastFourDigits(e164), error: maskPhoneNumbers(String(err)) });
    return undefined;
  }
}

/**
 * Failure messages end up in workflow history and worker logs, and Exotel's error bodies may quote
 * the number, hence the masking. 429, 5xx and network failures stay retryable: Temporal retries the
 * activity, and the queue's rate limit spaces the retries out.
 */
function lookupFailure(err: unknown, phoneNumber: string): unknown {
  if (!(err instanceof ExotelApiError)) return err;
  const message = maskPhoneNumbers(err.message);
  switch (err.kind) {
    case 'configuration_error':
      return configurationFailure(err);
    case 'invalid_number':
      log.warn('Exotel refused the number; if every number gets a 404, check EXOTEL_ACCOUNT_SID', {
        phoneLast4: lastFourDigits(phoneNumber),
        httpStatus: err.httpStatus,
      });
      return ApplicationFailure.nonRetryable(message, 'InvalidNumber');
    case 'rate_limited':
    case 'not_sent':
    case 'unknown_outcome':
      return ApplicationFailure.retryable(message, 'ExotelApiError', { kind: err.kind, httpStatus: err.httpStatus ?? null });
  }
}

/**
 * Checked here, right before Exotel is asked, so that no path to a dial (call, schedule, series
 * occurrence, campaign contact, retry) can miss a number listed after its call was accepted. A list
 * that cannot be read refuses the dial as a network error: the call is retried later, never dialed blind.
 */
async function doNotCallRefusal(request: DialRequest): Promise<DialResult | undefined> {
  const orgId = request.orgId ?? DEFAULT_ORG_ID;
  try {
    if (!(await isOnDoNotCallList(orgId, request.phoneNumber))) return undefined;
  } catch (err) {
    log.warn('do-not-call list unreadable; not dialing', { phoneLast4: lastFourDigits(request.phoneNumber), error: maskPhoneNumbers(String(err)) });
    return { outcome: 'rejected', reason: 'network_error', detail: 'the do-not-call list could not be read' };
  }
  log.info('number is on the do-not-call list; not dialing', { orgId, phoneLast4: lastFourDigits(request.phoneNumber) });
  return { outcome: 'rejected', reason: 'dnd', detail: "the number is on the organization's do-not-call list" };
}

/** One Calls/connect request: every answer Exotel can give, as a value. */
async function sendDial(api: ExotelApi, config: ExotelConfig, request: DialRequest): Promise<DialResult> {
  try {
    const call = await api.connect(connectParameters(request, config, Date.now()));
    return { outcome: 'accepted', callSid: call.Sid };
  } catch (err) {
    if (!(err instanceof ExotelApiError)) throw err;
    switch (err.kind) {
      case 'invalid_number':
        return { outcome: 'rejected', reason: 'invalid_number', detail: err.message };
      case 'rate_limited':
        return { outcome: 'rejected', reason: 'rate_limited', detail: err.message };
      case 'not_sent':
        return { outcome: 'rejected', reason: 'network_error', detail: err.message };
      case 'configuration_error':
        log.error('Exotel rejected Ringline\'s credentials or account: no call can be placed until this is fixed', {
          httpStatus: err.httpStatus,
          detail: err.message,
        });
        return { outcome: 'rejected', reason: 'configuration_error', detail: err.message };
      case 'unknown_outcome':
        return { outcome: 'unknown', detail: err.message };
    }
  }
}

/** Activities of the `ringline-exotel` queue: the only code that calls Exotel's API. */
export function createExotelActivities(api: ExotelApi, config: ExotelConfig) {
  return {
    /**
     * Runs at most once per attempt (the workflow gives it no retries): every outcome, including
     * "unknown", comes back as a value, so Temporal never re-sends a dial that may have gone through.
     */
    async dialAttempt(request: DialRequest): Promise<DialResult> {
      const refusal = await doNotCallRefusal(request);
      if (refusal) return refusal;
      const result = await sendDial(api, config, request);
      countDialRequest(result);
      return result;
    },

    async fetchCallDetails(callSid: string): Promise<CallDetails> {
      try {
        return toDetails(await api.callDetails(callSid));
      } catch (err) {
        if (err instanceof ExotelApiError && err.kind === 'configuration_error') throw configurationFailure(err);
        throw err;
      }
    },

    /**
     * Whether a number is on the DND registry, from the cache while it is fresh, else from Exotel's
     * number lookup (which counts against the account's rate limit, hence this queue).
     */
    async checkDnd(phoneNumber: string): Promise<DndCheckResult> {
      const cached = await cachedDnd(phoneNumber, config.DND_CACHE_TTL_SEC, new Date());
      if (cached) return cached;

      const metadata = await api.numberMetadata(phoneNumber).catch((err: unknown) => {
        throw lookupFailure(err, phoneNumber);
      });
      const checkedAt = new Date();
      const dnd = metadata.DND === 'Yes';
      try {
        await withWriteRetry(() => DndLookup.updateOne({ _id: phoneNumber }, { $set: { dnd, checkedAt } }, { upsert: true }));
      } catch (err) {
        log.warn('DND cache not written; the answer stands', { phoneLast4: lastFourDigits(phoneNumber), error: maskPhoneNumbers(String(err)) });
      }
      return { dnd, source: 'exotel', checkedAt: checkedAt.toISOString() };
    },
  };
}

export type ExotelActivities = ReturnType<typeof createExotelActivities>;
