import type { CarrierAnsweredBy } from '../domain/voicemail/carrier-answered-by';
import type { Logger } from '../lib/logger';

/**
 * Exotel reports its answering-machine verdict (`AnsweredBy`) only in status callbacks, which reach the
 * API; the stream's `start` carries nothing of it (its custom parameters are fixed at dial time). The
 * API records it on the attempt's CallLog, and this looks for it there, once a `intervalMs`, while
 * voicemail detection can still use it; the first hint found is delivered and the look-out ends.
 */
export const CARRIER_HINT_POLL_MS = 1000;

export interface CarrierHintPollOptions {
  read: () => Promise<CarrierAnsweredBy | undefined>;
  deliver: (hint: CarrierAnsweredBy) => void;
  /** False once the verdict is final (or the call over): the poll stops. */
  wanted: () => boolean;
  logger: Logger;
  intervalMs?: number;
}

/** Starts looking at once; returns the stop. */
export function pollCarrierHint(options: CarrierHintPollOptions): () => void {
  const intervalMs = options.intervalMs ?? CARRIER_HINT_POLL_MS;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  const look = async (): Promise<void> => {
    timer = undefined;
    if (stopped || !options.wanted()) return;
    const hint = await options.read().catch((err: unknown) => {
      // One warning per call: a database that is down says so elsewhere too.
      if (failures++ === 0) options.logger.warn({ err }, 'could not read the carrier AnsweredBy');
      return undefined;
    });
    if (stopped) return;
    if (hint !== undefined) {
      options.logger.info({ answeredBy: hint }, 'Exotel AnsweredBy');
      options.deliver(hint);
      return;
    }
    timer = setTimeout(() => void look(), intervalMs);
  };
  void look();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
