import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributeUpdatePair } from '@temporalio/common';
import type { CallStatus } from './call-status';

/** Typed keys of the search attributes a call workflow carries (registered per domain/search-attributes). */
export const CALL_STATUS_KEY = defineSearchAttributeKey('RinglineCallStatus', SearchAttributeType.KEYWORD);
export const ATTEMPT_KEY = defineSearchAttributeKey('RinglineAttempt', SearchAttributeType.INT);
export const NEXT_ATTEMPT_AT_KEY = defineSearchAttributeKey('RinglineNextAttemptAt', SearchAttributeType.DATETIME);
export const AGENT_ID_KEY = defineSearchAttributeKey('RinglineAgentId', SearchAttributeType.KEYWORD);
export const CAMPAIGN_ID_KEY = defineSearchAttributeKey('RinglineCampaignId', SearchAttributeType.KEYWORD);
export const SERIES_ID_KEY = defineSearchAttributeKey('RinglineSeriesId', SearchAttributeType.KEYWORD);
export const PHONE_LAST4_KEY = defineSearchAttributeKey('RinglinePhoneLast4', SearchAttributeType.KEYWORD);

/** What a call's changing search attributes say. */
export interface CallSearchState {
  status: CallStatus;
  attempt: number;
  /** Epoch ms, or null for none. */
  nextAttemptAt: number | null;
}

/**
 * The upsert a phase change needs, or null when none is: the attributes already say it, or the phase
 * is `dialing`, which lasts one Exotel request (the status query shows it; an upsert would add a
 * history event to every call).
 */
export function searchAttributeChange(current: CallSearchState | null, next: CallSearchState): SearchAttributeUpdatePair[] | null {
  if (next.status === 'dialing') return null;
  if (current && current.status === next.status && current.attempt === next.attempt && current.nextAttemptAt === next.nextAttemptAt) return null;
  return callSearchAttributes({ ...next, nextAttemptAt: next.nextAttemptAt === null ? null : new Date(next.nextAttemptAt) });
}

/** The attributes that change with every phase; a null next time removes the attribute. */
export function callSearchAttributes(state: { status: CallStatus; attempt: number; nextAttemptAt: Date | null }): SearchAttributeUpdatePair[] {
  return [
    { key: CALL_STATUS_KEY, value: state.status },
    { key: ATTEMPT_KEY, value: state.attempt },
    { key: NEXT_ATTEMPT_AT_KEY, value: state.nextAttemptAt },
  ];
}
