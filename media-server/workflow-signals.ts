import type { Client } from '@temporalio/client';
import type { MediaEndedEvent, MediaStartedEvent } from '../domain/call-workflow-types';
import type { Logger } from '../lib/logger';
import { callWorkflowId, mediaEndedSignal, mediaStartedSignal } from '../workflows/messages';

/** Tells the call's workflow what happened on the media leg. Never throws: a call goes on without Temporal. */
export interface WorkflowSignals {
  mediaStarted(callId: string, event: MediaStartedEvent): Promise<void>;
  mediaEnded(callId: string, event: MediaEndedEvent): Promise<void>;
}

/** A few tries over several seconds: enough for a frontend restart or a network blip. */
const ATTEMPTS = 5;
const FIRST_DELAY_MS = 250;
/** Per try: a frontend that does not answer is not waited for. */
const SIGNAL_DEADLINE_MS = 3_000;

export function temporalWorkflowSignals(client: Client, logger: Logger): WorkflowSignals {
  async function send(callId: string, what: string, signal: (handle: ReturnType<Client['workflow']['getHandle']>) => Promise<void>): Promise<void> {
    const handle = client.workflow.getHandle(callWorkflowId(callId));
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      try {
        await client.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () => signal(handle));
        return;
      } catch (err) {
        const notFound = err instanceof Error && err.name === 'WorkflowNotFoundError';
        if (notFound || attempt === ATTEMPTS) {
          logger.error({ err, callId, signal: what, attempts: attempt }, 'could not signal the call workflow');
          return;
        }
        logger.warn({ err: err instanceof Error ? err.message : String(err), callId, signal: what, attempt }, 'signal failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, FIRST_DELAY_MS * 2 ** (attempt - 1)));
      }
    }
  }
  return {
    mediaStarted: (callId, event) => send(callId, 'mediaStarted', (handle) => handle.signal(mediaStartedSignal, event)),
    mediaEnded: (callId, event) => send(callId, 'mediaEnded', (handle) => handle.signal(mediaEndedSignal, event)),
  };
}
