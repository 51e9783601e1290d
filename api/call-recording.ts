import { CallLog } from '../db/models/call-log';
import { recordingOf } from '../domain/call-recording';
import { ApiError } from './api-error';

interface RecordingRow {
  _id: string;
  attempt: number;
  recordingUrl?: string | null;
  timings?: { durationSec?: number | null };
}

/**
 * The recording of a call (or of one retry, by its attempt's id). Only URLs the status-callback
 * handler accepted (EXOTEL_RECORDING_URL_PREFIXES) are ever stored, so the answer hands out no other.
 */
export async function loadCallRecording(scope: Record<string, unknown>, callLogId: string) {
  // Another organization's call (or, for an agent key, another agent's) is as absent as an unknown one.
  const addressed = await CallLog.findOne({ ...scope, _id: callLogId }, { callId: 1, attempt: 1 }).lean();
  if (!addressed) throw new ApiError(404, 'CALL_NOT_FOUND', `Call ${callLogId} does not exist`);
  const rows = await CallLog.find({ ...scope, callId: addressed.callId }, { attempt: 1, recordingUrl: 1, 'timings.durationSec': 1 }).lean<RecordingRow[]>();
  const recorded = recordingOf(
    rows.map((row) => ({ attempt: row.attempt, recordingUrl: row.recordingUrl, durationSec: row.timings?.durationSec })),
    addressed.attempt,
  );
  if (!recorded?.recordingUrl) throw new ApiError(404, 'RECORDING_NOT_FOUND', `Call ${callLogId} has no recording`);
  return {
    callLogId,
    recordingUrl: recorded.recordingUrl,
    ...(typeof recorded.durationSec === 'number' && { durationSec: recorded.durationSec }),
  };
}
