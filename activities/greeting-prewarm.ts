import axios from 'axios';
import { ApplicationFailure } from '@temporalio/activity';
import { controlRequestHeaders } from '../lib/hmac-auth';
import type { Priority } from '../domain/priority';
import type { TtsProvider } from '../domain/speech/tts-provider';

export interface PrewarmRequest {
  agentId: string;
  /** The call's variables: a personal greeting is warmed as the call will say it. */
  metadata: Record<string, unknown>;
  /** With `ttsProvider`, what chooses the call's voice, so the greeting is warmed in the voice the call will use. */
  priority?: Priority;
  ttsProvider?: TtsProvider;
}

/**
 * Asks the media server to synthesize an agent's greeting (and its other fixed phrases) into its
 * cache shortly before a scheduled call, so the call opens on a cache hit with no speech-synthesis
 * wait. With several media server instances only the one behind MEDIA_CONTROL_URL is warmed.
 */
export function createGreetingPrewarmActivities(mediaControlUrl: string, secret: string) {
  return {
    async prewarmGreeting(request: PrewarmRequest): Promise<{ synthesized: number }> {
      const body = JSON.stringify(request);
      const response = await axios.post(new URL('/greetings/prewarm', mediaControlUrl).toString(), body, {
        headers: { 'content-type': 'application/json', ...controlRequestHeaders(secret, body) },
        timeout: 15_000,
        validateStatus: () => true,
      });
      if (response.status === 200) return { synthesized: Number(response.data?.synthesized ?? 0) };
      if (response.status >= 400 && response.status < 500) {
        throw ApplicationFailure.nonRetryable(`media server refused the prewarm: ${response.status}`, 'PrewarmRejected');
      }
      throw new Error(`media server answered ${response.status} to the prewarm`);
    },
  };
}

export type GreetingPrewarmActivities = ReturnType<typeof createGreetingPrewarmActivities>;
