/**
 * Whether a call is recorded, and which recording a call answers with. A call asks Exotel to record
 * (Record=true) when its request says so, or, when the request is silent, when its agent does.
 */
export function recordingRequested(callRecord: boolean | undefined, agentRecord: boolean | undefined): boolean {
  return callRecord ?? agentRecord ?? false;
}

export interface AttemptRecording {
  attempt: number;
  recordingUrl?: string | null;
  durationSec?: number | null;
}

/**
 * The recording `GET /calls/:callLogId/recording` answers: the addressed attempt's own when a retry's
 * id is given; for the call's id (attempt 1's) the latest attempt that has one, since only an answered
 * attempt is recorded and that is usually the last.
 */
export function recordingOf<T extends AttemptRecording>(attempts: readonly T[], addressedAttempt: number): T | undefined {
  const candidates = addressedAttempt === 1 ? attempts : attempts.filter((row) => row.attempt === addressedAttempt);
  return [...candidates].sort((a, b) => b.attempt - a.attempt).find((row) => Boolean(row.recordingUrl));
}
