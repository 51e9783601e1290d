import { DateTime } from 'luxon';
import type { ExotelSimulator } from '../../sim/exotel/simulator';

let numberSeq = 0;

/** A fresh number per call; the last three digits pick the Exotel simulator's scenario (000 answers, 001 busy, 002 no answer). */
export function numberFor(suffix: string): string {
  numberSeq += 1;
  return `+9196${String(process.pid % 1000).padStart(3, '0')}${String(numberSeq % 100).padStart(2, '0')}${suffix}`;
}

/** When the simulator received each dial of a call (all attempts), oldest first. */
export async function dialTimes(sim: ExotelSimulator, callId: string): Promise<number[]> {
  const response = await fetch(`${sim.baseUrl}/sim/calls`);
  const { calls } = (await response.json()) as { calls: { customField: string | null; createdAt: string }[] };
  return calls
    .filter((call) => call.customField?.startsWith(`${callId}:`))
    .map((call) => Date.parse(call.createdAt))
    .sort((a, b) => a - b);
}

/**
 * A fixed-offset zone whose local time is nowhere near midnight, so that a window "from now for a few
 * minutes" written as HH:mm:ss never wraps into the next day, whenever the suite runs.
 */
export function zoneAwayFromMidnight(): string {
  const hour = DateTime.utc().hour;
  const shift = hour >= 2 && hour <= 21 ? 0 : 12;
  // Etc/GMT-N is N hours *ahead* of UTC (POSIX sign convention).
  return shift === 0 ? 'UTC' : 'Etc/GMT-12';
}
