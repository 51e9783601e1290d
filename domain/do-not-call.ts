/**
 * An organization's own do-not-call list (docs/security.md), apart from the TRAI registry that
 * `domain/dnd.ts` asks Exotel about. One entry per organization and E.164 number, keyed by both so
 * the dial-time check is a single `_id` look-up (FerretDB answers only `_id` filters from its key).
 */
export function doNotCallEntryId(orgId: string, e164: string): string {
  return `${orgId}:${e164}`;
}

/** Where an entry came from: one request, or a row of an imported CSV file. */
export const DO_NOT_CALL_SOURCES = ['api', 'csv'] as const;
export type DoNotCallSource = (typeof DO_NOT_CALL_SOURCES)[number];

/** The API's answer when a request would call a listed number. */
export const NUMBER_ON_DO_NOT_CALL_LIST = 'NUMBER_ON_DO_NOT_CALL_LIST';
