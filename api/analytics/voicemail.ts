import { CallLog } from '../../db/models/call-log';
import type { AnalyticsQuery } from '../../domain/api-schemas/analytics';
import { rate } from '../../domain/analytics/ratios';
import { attemptsMatch } from './analytics-filter';
import { countLogicalCalls } from './calls';

/**
 * Voicemail is an attempt status of its own (`status: 'voicemail'`, `failureReason: 'voicemail'`, see
 * domain/call-outcome), never retried. Answered attempts are those with `timings.answeredAt`: a
 * machine answers too, so every voicemail attempt is among them. Whether the agent's message was
 * spoken into the mailbox is not recorded on the attempt, so the report cannot count messages left.
 */
export async function loadVoicemailReport(filter: AnalyticsQuery) {
  const match = attemptsMatch(filter);
  const [attempts, answeredAttempts, voicemailAttempts, calls] = await Promise.all([
    CallLog.countDocuments(match),
    CallLog.countDocuments({ ...match, 'timings.answeredAt': { $exists: true } }),
    CallLog.countDocuments({ ...match, status: 'voicemail' }),
    countLogicalCalls(filter),
  ]);
  return {
    attempts,
    answeredAttempts,
    voicemailAttempts,
    voicemailRate: rate(voicemailAttempts, answeredAttempts),
    callsEndingInVoicemail: calls.byOutcome.voicemail ?? 0,
  };
}
