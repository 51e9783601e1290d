/**
 * Where a call stands. The first group are the phases of a live call workflow; the last group are
 * the terminal statuses a call (and each of its attempts) ends in.
 */
export const CALL_PHASES = [
  'scheduled',
  'waiting_for_line',
  'dialing',
  'ringing',
  'in_progress',
  'retry_scheduled',
] as const;

export const TERMINAL_CALL_STATUSES = ['completed', 'voicemail', 'failed', 'cancelled'] as const;

export const CALL_STATUSES = [...CALL_PHASES, ...TERMINAL_CALL_STATUSES] as const;

export type CallPhase = (typeof CALL_PHASES)[number];
export type TerminalCallStatus = (typeof TERMINAL_CALL_STATUSES)[number];
export type CallStatus = (typeof CALL_STATUSES)[number];

export function isTerminalStatus(status: CallStatus): status is TerminalCallStatus {
  return (TERMINAL_CALL_STATUSES as readonly string[]).includes(status);
}
