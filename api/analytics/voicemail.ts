import { CallLog } from '../../db/models/call-log';
import type { AnalyticsQuery } from '../../domain/api-schemas/analytics';
import { mean, rate } from '../../domain/analytics/ratios';
import { attemptsMatch } from './analytics-filter';
import { countLogicalCalls } from './calls';

/**
 * Voicemail is an attempt status of its own (`status: 'voicemail'`, `failureReason: 'voicemail'`, see
 * domain/call-outcome), never retried. Answered attempts are those with `timings.answeredAt`: a
 * machine answers too, so every voicemail attempt is among them. The media server records on each
 * attempt what detection decided and whether the agent's message was left (`voicemailDetection`,
 * domain/voicemail/detection-record): messages left played to their end; failed ones were started and
 * cut (the machine hung up), or never started (no message to leave, or the call ended first).
 * `unreachable` attempts (an operator announcement answered; failure reason `unreachable`, retried like
 * no answer) are counted on their own, as are calls whose retries all ended that way.
 */
export async function loadVoicemailReport(filter: AnalyticsQuery) {
  const match = attemptsMatch(filter);
  const machineVerdicts: Record<string, unknown> = { ...match, status: 'voicemail', 'voicemailDetection.verdict': 'machine' };
  const [attempts, answeredAttempts, voicemailAttempts, messagesLeft, unreachableAttempts, machineScored, calls] = await Promise.all([
    CallLog.countDocuments(match),
    CallLog.countDocuments({ ...match, 'timings.answeredAt': { $exists: true } }),
    CallLog.countDocuments({ ...match, status: 'voicemail' }),
    CallLog.countDocuments({ ...match, status: 'voicemail', 'voicemailDetection.messageLeft': true }),
    CallLog.countDocuments({ ...match, failureReason: 'unreachable' }),
    // Read and summed here: FerretDB's aggregation cannot reach a nested field such as this score.
    CallLog.find(machineVerdicts, { 'voicemailDetection.score': 1 }).lean<{ voicemailDetection?: { score?: number } }[]>(),
    countLogicalCalls(filter),
  ]);
  const scoreTotal = machineScored.reduce((sum, row) => sum + (row.voicemailDetection?.score ?? 0), 0);
  return {
    attempts,
    answeredAttempts,
    voicemailAttempts,
    voicemailRate: rate(voicemailAttempts, answeredAttempts),
    callsEndingInVoicemail: calls.byOutcome.voicemail ?? 0,
    messagesLeft,
    messagesFailed: voicemailAttempts - messagesLeft,
    /** Mean detection score of the machine verdicts behind voicemail attempts; null when none was scored. */
    averageConfidence: mean(scoreTotal, machineScored.length),
    unreachableAttempts,
    unreachableRate: rate(unreachableAttempts, answeredAttempts),
    callsEndingUnreachable: calls.failureReasons.unreachable_max_retries ?? 0,
  };
}
