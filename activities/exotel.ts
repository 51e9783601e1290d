import { ApplicationFailure, log } from '@temporalio/activity';
import { attemptCustomField } from '../domain/call-ids';
import type { Config } from '../domain/config';
import type { CallDetails, DialRequest, DialResult } from '../domain/dial-result';
import { mediaStreamUrl } from '../lib/media-token';
import { statusCallbackUrl } from '../lib/webhook-signature';
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
>;

/** Exotel's Calls/connect parameters for one attempt (DESIGN §7.1). */
export function connectParameters(request: DialRequest, config: ExotelConfig, now: number): Record<string, string> {
  const params: Record<string, string> = {
    From: request.phoneNumber,
    CallerId: config.EXOTEL_CALLER_ID,
    CallType: 'trans',
    TimeLimit: String(Math.min(request.maxCallDurationSec, 14_400)),
    TimeOut: String(request.ringTimeoutSec),
    CustomField: attemptCustomField(request.callId, request.attempt),
    StatusCallback: statusCallbackUrl(config.PUBLIC_API_URL, config.WEBHOOK_SECRET, request.callId, request.attempt),
    'StatusCallbackEvents[0]': 'answered',
    'StatusCallbackEvents[1]': 'terminal',
    StatusCallbackContentType: 'application/json',
  };
  if (config.EXOTEL_MODE === 'flow') {
    params.Url = config.EXOTEL_FLOW_URL ?? '';
  } else {
    const expiresAt = now + config.MEDIA_TOKEN_TTL_SEC * 1000;
    params.StreamUrl = mediaStreamUrl(config.PUBLIC_MEDIA_WS_URL, config.MEDIA_TOKEN_SECRET, request.callId, request.attempt, expiresAt);
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

/** Activities of the `ringline-exotel` queue: the only code that calls Exotel's API. */
export function createExotelActivities(api: ExotelApi, config: ExotelConfig) {
  return {
    /**
     * Runs at most once per attempt (the workflow gives it no retries): every outcome, including
     * "unknown", comes back as a value, so Temporal never re-sends a dial that may have gone through.
     */
    async dialAttempt(request: DialRequest): Promise<DialResult> {
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
    },

    async fetchCallDetails(callSid: string): Promise<CallDetails> {
      try {
        return toDetails(await api.callDetails(callSid));
      } catch (err) {
        if (err instanceof ExotelApiError && err.kind === 'configuration_error') {
          throw ApplicationFailure.nonRetryable(err.message, 'ExotelConfigurationError');
        }
        throw err;
      }
    },
  };
}

export type ExotelActivities = ReturnType<typeof createExotelActivities>;
