import type { Client } from '@temporalio/client';
import { CallLog } from '../db/models/call-log';
import { callRates } from '../domain/analytics/call-rates';
import { isFinished, logicalOutcome } from '../domain/analytics/logical-outcome';
import type { CallStatus } from '../domain/call-status';
import type { Config } from '../domain/config';
import type { Logger } from '../lib/logger';
import { countGreetingCache } from './analytics/greeting-cache';
import { readLineGateStatus } from './line-gate-status';

export interface CallStatsFilter {
  orgId: string;
  from?: Date;
  to?: Date;
  agentId?: string;
}

/**
 * Lines now (the line book and the gate) and outcomes over a period (from the database). A gate that
 * has not started or does not answer reports an empty waiting room and a closed breaker rather than
 * failing the whole answer; `lineGate` says which of the two it was.
 */
export async function loadCallStats(
  deps: { temporal: Client; config: Pick<Config, 'EXOTEL_ACCOUNT_SID' | 'MAX_CONCURRENT_CALLS'>; logger: Logger },
  filter: CallStatsFilter,
  queryTimeoutMs: number,
) {
  const now = new Date();
  const [{ gate, status }, counts, greetingCache, calls] = await Promise.all([
    readLineGateStatus(deps.temporal, deps.config.EXOTEL_ACCOUNT_SID, deps.config.MAX_CONCURRENT_CALLS, queryTimeoutMs),
    countOutcomes(filter),
    countGreetingCache(attemptsMatch(filter)),
    rateCalls(filter, now),
  ]);
  if (gate.state === 'unavailable') deps.logger.warn({ err: gate.error }, 'line gate did not answer its status query');
  const { limit, active } = status;
  return {
    lineGate: gate.state,
    lines: {
      limit,
      active: active.length,
      waiting: status.waiting,
      waitingTotal: status.waitingTotal,
      utilization: limit > 0 ? Math.round((active.length / limit) * 1000) / 1000 : 0,
    },
    circuitBreaker: status.circuit,
    ...counts,
    ...calls,
    greetingCache,
  };
}

function attemptsMatch(filter: CallStatsFilter): Record<string, unknown> {
  const match: Record<string, unknown> = { orgId: filter.orgId };
  if (filter.agentId) match.agentId = filter.agentId;
  if (filter.from || filter.to) {
    match.createdAt = { ...(filter.from && { $gte: filter.from }), ...(filter.to && { $lt: filter.to }) };
  }
  return match;
}

/** One `$group` over attempts by status and failure reason (FerretDB has `$group`/`$sum`, see docs/database.md). */
async function countOutcomes(filter: CallStatsFilter) {
  const groups = await CallLog.aggregate<{ _id: { status: string; failureReason: string | null }; count: number }>([
    { $match: attemptsMatch(filter) },
    { $group: { _id: { status: '$status', failureReason: '$failureReason' }, count: { $sum: 1 } } },
  ]);
  const outcomes: Record<string, number> = {};
  const failureReasons: Record<string, number> = {};
  let total = 0;
  for (const { _id, count } of groups) {
    total += count;
    outcomes[_id.status] = (outcomes[_id.status] ?? 0) + count;
    if (_id.failureReason) failureReasons[_id.failureReason] = (failureReasons[_id.failureReason] ?? 0) + count;
  }
  return { attemptsTotal: total, outcomes, failureReasons };
}

/**
 * The period's calls as rates (domain/analytics/call-rates). A period open at the start begins at the
 * first call it holds, open at the end ends now; `period` says which it was. Counted by `$group`, which
 * FerretDB has, over logical calls (first attempts) and their retries.
 */
async function rateCalls(filter: CallStatsFilter, now: Date) {
  const match = attemptsMatch(filter);
  const [outcomes, retries, durations, first] = await Promise.all([
    CallLog.aggregate<{ _id: { status: CallStatus; finalStatus: CallStatus | null }; count: number }>([
      { $match: { ...match, attempt: 1 } },
      { $group: { _id: { status: '$status', finalStatus: '$finalStatus' }, count: { $sum: 1 } } },
    ]),
    CallLog.countDocuments({ ...match, attempt: { $gt: 1 } }),
    CallLog.aggregate<{ total: number; samples: number }>([
      { $match: { ...match, 'timings.durationSec': { $exists: true, $ne: null } } },
      { $group: { _id: null, total: { $sum: '$timings.durationSec' }, samples: { $sum: 1 } } },
    ]),
    filter.from ? null : CallLog.findOne(match, { createdAt: 1 }).sort({ createdAt: 1 }).lean<{ createdAt: Date }>(),
  ]);
  let calls = 0;
  let finished = 0;
  let succeeded = 0;
  for (const { _id, count } of outcomes) {
    const outcome = logicalOutcome(_id.status, _id.finalStatus ?? null);
    calls += count;
    if (isFinished(outcome)) finished += count;
    if (outcome === 'completed') succeeded += count;
  }
  const to = filter.to && filter.to.getTime() < now.getTime() ? filter.to : now;
  const from = filter.from ?? first?.createdAt ?? to;
  const [duration] = durations;
  return {
    period: { from: filter.from || first ? from.toISOString() : null, to: to.toISOString() },
    ...callRates({ calls, retries, finished, succeeded, durationTotalSec: duration?.total ?? 0, durationSamples: duration?.samples ?? 0 }, { from, to }),
  };
}
