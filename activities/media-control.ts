import axios from 'axios';
import { ApplicationFailure } from '@temporalio/activity';
import { CONTROL_SIGNATURE_HEADER, CONTROL_TIMESTAMP_HEADER, signControlRequest } from '../lib/media-control-auth';

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
 * it, so the workflow asks that instance directly.
 */
export function createMediaControlActivities(secret: string) {
  return {
    async endLiveCall(request: EndLiveCallRequest): Promise<void> {
      const body = JSON.stringify({ callId: request.callId, attempt: request.attempt, mode: request.mode, reason: request.reason });
      const timestamp = Date.now();
      const response = await axios.post(request.controlUrl, body, {
        headers: {
          'content-type': 'application/json',
          [CONTROL_TIMESTAMP_HEADER]: String(timestamp),
          [CONTROL_SIGNATURE_HEADER]: signControlRequest(secret, timestamp, body),
        },
        timeout: 5_000,
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
