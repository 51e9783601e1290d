/**
 * Custom search attributes that ops filter on in the Temporal UI. The local stack registers them when it
 * starts the dev server; production registers them once with `temporal operator search-attribute create`.
 */
export const SEARCH_ATTRIBUTES = {
  RinglineCallStatus: 'Keyword',
  RinglineAttempt: 'Int',
  RinglineCampaignId: 'Keyword',
  RinglineAgentId: 'Keyword',
  RinglineNextAttemptAt: 'Datetime',
  RinglineSeriesId: 'Keyword',
  /** Last 4 digits of the callee's number: searchable by support staff without exposing the number. */
  RinglinePhoneLast4: 'Keyword',
} as const;

export type SearchAttributeName = keyof typeof SEARCH_ATTRIBUTES;
