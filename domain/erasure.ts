/**
 * What an erased number leaves in its records' `phoneNumber` (docs/security.md). Campaign contacts get
 * their own id appended, because a campaign holds each number once (a unique index) and two erased
 * numbers of one campaign must not collide.
 */
export const ERASED_PHONE_NUMBER = 'erased';
export const ERASED_PHONE_LAST4 = '----';

export function erasedContactNumber(contactId: string): string {
  return `${ERASED_PHONE_NUMBER}:${contactId}`;
}

export function isErasedNumber(phoneNumber: string): boolean {
  return phoneNumber === ERASED_PHONE_NUMBER || phoneNumber.startsWith(`${ERASED_PHONE_NUMBER}:`);
}

/** How many records of one number an erasure changed; all zero when the number was erased before. */
export interface ErasureCounts {
  callLogs: number;
  scheduledCalls: number;
  series: number;
  campaignContacts: number;
  dndLookups: number;
}
