import { CallLog, type CallLogRecord } from '../db/models/call-log';
import { logicalFailureReason, logicalOutcome, storedStatesOf } from '../domain/analytics/logical-outcome';
import type { CallListAnswer, CallListQuery } from '../domain/api-schemas/calls';
import { attemptCallLogId } from '../domain/attempt-address';
import { decodeCallListCursor, encodeCallListCursor } from '../domain/call-list-cursor';
import { createdDayOf, daysNewestFirst, startOfCreatedDay } from '../domain/created-day';
import type { CallStatus } from '../domain/call-status';
import type { Config } from '../domain/config';
import { reportBoundary } from '../domain/report-boundary';
import { describePhoneNumberProblem, normalizePhoneNumber } from '../domain/phone-number';
import { ApiError } from './api-error';

/** FerretDB drops nulls from upserts (docs/database.md), so any nullable field may be absent. */
type StoredRow = CallLogRecord & { _id: string; createdAt: Date; updatedAt: Date };

const ATTEMPT_FIELDS = { callId: 1, attempt: 1, status: 1, outboundStatus: 1, failureReason: 1, exotelCallSid: 1, timings: 1, createdAt: 1, updatedAt: 1 };
/** A call's list entry is its first attempt's row, which is also its first attempt; transcripts and latency stay out of the list. */
const CALL_FIELDS = {
  ...ATTEMPT_FIELDS, finalStatus: 1, finalFailureReason: 1, retryCount: 1, direction: 1, phoneNumber: 1,
  agentId: 1, priority: 1, workflowId: 1, campaignId: 1, seriesId: 1, scheduledCallId: 1,
};

/**
 * The conditions of a list query on first-attempt rows. `scope` is the caller's (access-control
 * scopeOf): an agent key's own agents narrow the list before any filter can widen it.
 */
export function callListFilter(
  scope: { orgId: string; agentId?: { $in: string[] } },
  query: CallListQuery,
  config: Pick<Config, 'DEFAULT_COUNTRY' | 'ACCOUNT_TIMEZONE'>,
): Record<string, unknown> {
  const conditions: Record<string, unknown>[] = [];
  const filter: Record<string, unknown> = { orgId: scope.orgId, attempt: 1 };
  if (scope.agentId) {
    const mine = scope.agentId.$in.filter((agentId) => query.agentId === undefined || agentId === query.agentId);
    // FerretDB hands equality to PostgreSQL but filters `$in` itself (docs/database.md): one agent, one value.
    filter.agentId = mine.length === 1 ? mine[0] : { $in: mine };
  } else if (query.agentId !== undefined) {
    filter.agentId = query.agentId;
  }
  if (query.campaignId !== undefined) filter.campaignId = query.campaignId;
  if (query.seriesId !== undefined) filter.seriesId = query.seriesId;
  if (query.phoneNumber !== undefined) {
    const phone = normalizePhoneNumber(query.phoneNumber, config.DEFAULT_COUNTRY);
    if (!phone.ok) throw new ApiError(400, 'INVALID_PHONE_NUMBER', describePhoneNumberProblem(phone.reason), { reason: phone.reason });
    // The key erasure and every other by-number lookup use: the E.164 number (api/number-erasure.ts).
    filter.phoneNumber = phone.e164;
  }
  if (query.status !== undefined) conditions.push(outcomeCondition(query.status));
  if (query.failureReason !== undefined) {
    // logicalFailureReason as a query: the final reason of an ended call, the first attempt's before that.
    conditions.push({
      $or: [
        { finalStatus: { $ne: null }, finalFailureReason: query.failureReason },
        { finalStatus: null, failureReason: query.failureReason },
      ],
    });
  }
  const createdAt = periodCondition(query, config.ACCOUNT_TIMEZONE);
  if (createdAt) filter.createdAt = createdAt;
  if (query.cursor !== undefined) {
    const cursor = decodeCallListCursor(query.cursor);
    if (!cursor) throw new ApiError(400, 'INVALID_CURSOR', 'cursor is not one this API returned');
    conditions.push({ $or: [{ createdAt: { $lt: cursor.createdAt } }, { createdAt: cursor.createdAt, _id: { $lt: cursor.callLogId } }] });
  }
  return conditions.length === 0 ? filter : { ...filter, $and: conditions };
}

function outcomeCondition(outcome: CallStatus): Record<string, unknown> {
  const states = storedStatesOf(outcome);
  const unfinished = { finalStatus: null, status: { $in: states.unfinished } };
  if (!states.final) return unfinished;
  if (states.unfinished.length === 0) return { finalStatus: outcome };
  return { $or: [{ finalStatus: outcome }, unfinished] };
}

function periodCondition(query: Pick<CallListQuery, 'from' | 'to'>, zone: string): Record<string, Date> | undefined {
  const from = query.from === undefined ? undefined : reportBoundary(query.from, 'from', zone);
  const to = query.to === undefined ? undefined : reportBoundary(query.to, 'to', zone);
  if (from === null) throw new ApiError(400, 'INVALID_PERIOD', `from ${query.from} is not a date`);
  if (to === null) throw new ApiError(400, 'INVALID_PERIOD', `to ${query.to} is not a date`);
  // A date-only `to` the day before `from` ends where `from` starts: backwards, though not by its instants.
  if (from && to && from.getTime() >= to.getTime()) throw new ApiError(400, 'INVALID_PERIOD', 'from must be before to');
  if (!from && !to) return undefined;
  return { ...(from && { $gte: from }), ...(to && { $lt: to }) };
}

/** One page of an organization's calls, newest first; one entry per call however many attempts it made. */
export async function listCalls(
  scope: { orgId: string; agentId?: { $in: string[] } },
  query: CallListQuery,
  config: Pick<Config, 'DEFAULT_COUNTRY' | 'ACCOUNT_TIMEZONE'>,
): Promise<CallListAnswer> {
  const filter = callListFilter(scope, query, config);
  const rows = narrowsByEquality(filter) ? await readRows(filter, query.limit + 1) : await readRowsByDay(filter, query, config, query.limit + 1);
  const page = rows.slice(0, query.limit);
  const attempts = await Promise.all(page.map((row) => attemptsOf(scope.orgId, row)));
  const last = page[page.length - 1];
  return {
    data: page.map((row, i) => entryOf(row, attempts[i])),
    nextCursor: rows.length > query.limit && last ? encodeCallListCursor({ createdAt: last.createdAt, callLogId: last._id }) : null,
  };
}

/**
 * Every attempt of a call, read by id: retries have ids `<callId>-<n>` (domain/attempt-address.ts), and an
 * ended call's first row says how many attempts it made. Of a call still going, retries are read until
 * one is missing. Ids, not `callId: {$in: …}`, because FerretDB filters `$in` itself after fetching every
 * row of the organization (docs/database.md) while an id is found by an index.
 */
async function attemptsOf(orgId: string, first: StoredRow): Promise<StoredRow[]> {
  const attempts = [first];
  const made = first.finalStatus ? (first.retryCount ?? 0) + 1 : Infinity;
  for (let attempt = 2; attempt <= made; attempt += 1) {
    const row = await CallLog.findOne({ _id: attemptCallLogId(first.callId, attempt), orgId }, ATTEMPT_FIELDS).lean<StoredRow>();
    if (!row) break;
    attempts.push(row);
  }
  return attempts;
}

const readRows = (filter: Record<string, unknown>, limit: number) =>
  CallLog.find(filter, CALL_FIELDS).sort({ createdAt: -1, _id: -1 }).limit(limit).lean<StoredRow[]>();

/**
 * An agent, campaign, series or number narrows the rows to few by an equality the database answers from
 * an index on both MongoDB and FerretDB; one query reads them in order.
 */
function narrowsByEquality(filter: Record<string, unknown>): boolean {
  return ['agentId', 'campaignId', 'seriesId', 'phoneNumber'].some((field) => typeof filter[field] === 'string');
}

/** Rows created this far ahead of the API's clock (another host's clock) are still listed. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** Days read one query each before the rest of the period is read in one query. */
const DAYS_READ_ONE_BY_ONE = 31;

/**
 * The whole list, or one narrowed only by outcome, read one creation day at a time from the newest:
 * FerretDB sorts and limits in its own process after fetching every row PostgreSQL matches, so a
 * single query would fetch all of an organization's calls for one page; a day's rows are found by
 * an index on `createdDay` (docs/database.md). Days are disjoint in `createdAt`, so the rows of
 * successive days, each read in list order, are in list order.
 */
async function readRowsByDay(
  filter: Record<string, unknown>,
  query: CallListQuery,
  config: Pick<Config, 'ACCOUNT_TIMEZONE'>,
  limit: number,
): Promise<StoredRow[]> {
  const period = periodCondition(query, config.ACCOUNT_TIMEZONE);
  const cursor = query.cursor === undefined ? null : decodeCallListCursor(query.cursor);
  // The latest instant a row of this page can carry.
  const newest = Math.min(Date.now() + CLOCK_SKEW_MS, (period?.$lt?.getTime() ?? Infinity) - 1, cursor?.createdAt.getTime() ?? Infinity);
  const oldestDay = period?.$gte ? createdDayOf(period.$gte) : null;
  const days = daysNewestFirst(createdDayOf(new Date(newest)), oldestDay, DAYS_READ_ONE_BY_ONE);
  const rows: StoredRow[] = [];
  for (const day of days) {
    if (rows.length >= limit) return rows;
    rows.push(...(await readRows({ ...filter, createdDay: day }, limit - rows.length)));
  }
  const lastDayRead = days.at(-1);
  if (rows.length < limit && days.length === DAYS_READ_ONE_BY_ONE && lastDayRead !== undefined && lastDayRead !== oldestDay) {
    const beforeDaysRead = { createdAt: { $lt: startOfCreatedDay(lastDayRead) } };
    rows.push(...(await readRows({ ...filter, $and: [...((filter.$and as unknown[] | undefined) ?? []), beforeDaysRead] }, limit - rows.length)));
  }
  return rows;
}

function entryOf(first: StoredRow, attempts: StoredRow[]): CallListAnswer['data'][number] {
  const latest = attempts.reduce((a, b) => (b.attempt > a.attempt ? b : a));
  const finalStatus = (first.finalStatus ?? null) as CallStatus | null;
  return {
    callLogId: first._id,
    workflowId: first.workflowId,
    status: logicalOutcome(first.status, finalStatus),
    failureReason: logicalFailureReason({ failureReason: first.failureReason ?? null, finalStatus, finalFailureReason: first.finalFailureReason ?? null }),
    direction: first.direction,
    phoneNumber: first.phoneNumber,
    agentId: first.agentId,
    priority: first.priority,
    campaignId: first.campaignId ?? null,
    seriesId: first.seriesId ?? null,
    scheduledCallId: first.scheduledCallId ?? null,
    createdAt: first.createdAt.toISOString(),
    // The first row changes last when the call ends (its final status), so the newest of all rows.
    updatedAt: new Date(Math.max(...attempts.map((row) => row.updatedAt.getTime()))).toISOString(),
    attemptCount: attempts.length,
    latestAttempt: {
      attempt: latest.attempt,
      callLogId: latest._id,
      status: latest.status,
      outboundStatus: latest.outboundStatus ?? null,
      failureReason: latest.failureReason ?? null,
      exotelCallSid: latest.exotelCallSid ?? null,
      timings: timingsOf(latest.timings),
      createdAt: latest.createdAt.toISOString(),
      updatedAt: latest.updatedAt.toISOString(),
    },
  };
}

function timingsOf(timings: StoredRow['timings']): CallListAnswer['data'][number]['latestAttempt']['timings'] {
  const out: CallListAnswer['data'][number]['latestAttempt']['timings'] = {};
  for (const key of ['queuedAt', 'dialedAt', 'ringingAt', 'answeredAt', 'mediaStartedAt', 'endedAt'] as const) {
    const value = timings?.[key];
    if (value) out[key] = value.toISOString();
  }
  if (typeof timings?.durationSec === 'number') out.durationSec = timings.durationSec;
  return out;
}
