import axios from 'axios';
import { ApplicationFailure } from '@temporalio/activity';
import { isAllowedControlUrl } from '../domain/media-control-url';
import { controlRequestHeaders } from '../lib/hmac-auth';

export interface EndLiveCallRequest {
  controlUrl: string;
  callId: string;
  attempt: number;
  /** goodbye: say the agent's goodbye, then close; immediate: close now (a call cancelled while ringing). */
  mode: 'goodbye' | 'immediate';
  reason: string;
}

/**
 * Exotel has no REST hang-up: a live call ends when the media server that holds its WebSocket closes
 * it, so the workflow asks that instance directly. Its address comes in a signal, so it is only
 * used when it is one of the configured media servers (`allowedBases`): a forged signal cannot point
 * the worker at another host. Each request is signed and carries a fresh nonce.
 */
export function createMediaControlActivities(secret: string, allowedBases: readonly string[]) {
  return {
    async endLiveCall(request: EndLiveCallRequest): Promise<void> {
      if (!isAllowedControlUrl(request.controlUrl, allowedBases)) {
        throw ApplicationFailure.nonRetryable('control URL is not a configured media server (MEDIA_CONTROL_URL, MEDIA_CONTROL_ALLOWED_URLS)', 'MediaControlUrlNotAllowed');
      }
      const body = JSON.stringify({ callId: request.callId, attempt: request.attempt, mode: request.mode, reason: request.reason });
      const response = await axios.post(request.controlUrl, body, {
        headers: { 'content-type': 'application/json', ...controlRequestHeaders(secret, body) },
        timeout: 5_000,
        maxRedirects: 0,
        validateStatus: () => true,
      });
      // 404/410: the session is already gone, which is what we wanted.
      if (response.status === 404 || response.status === 410) return;
      if (response.status >= 400 && response.status < 500) {
        throw ApplicationFailure.nonRetryable(`media server refused the hang-up: ${response.status}`, 'MediaControlRejected');
      }
      if (response.status >= 500) throw new Error(`media server answered ${response.status}`);
    },
  };
}

export type MediaControlActivities = ReturnType<typeof createMediaControlActivities>;
