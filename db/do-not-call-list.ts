import { doNotCallEntryId, type DoNotCallSource } from '../domain/do-not-call';
import { lastFourDigits } from '../domain/phone-mask';
import { DoNotCallEntry } from './models/do-not-call-entry';
import { withWriteRetry } from './transient-write-error';

/** Read by the API before it accepts a call and by the dial activity right before Exotel is asked. */
export async function isOnDoNotCallList(orgId: string, e164: string): Promise<boolean> {
  return (await DoNotCallEntry.exists({ _id: doNotCallEntryId(orgId, e164) })) !== null;
}

export interface DoNotCallListing {
  phoneNumber: string;
  reason: string | null;
  source: DoNotCallSource;
  addedBy: string | null;
}

/** Lists numbers; a number already listed keeps its first entry. Returns how many were new. */
export async function addToDoNotCallList(orgId: string, listings: readonly DoNotCallListing[]): Promise<number> {
  if (listings.length === 0) return 0;
  const result = await withWriteRetry(() =>
    DoNotCallEntry.bulkWrite(
      listings.map((listing) => ({
        updateOne: {
          filter: { _id: doNotCallEntryId(orgId, listing.phoneNumber) },
          update: {
            $setOnInsert: {
              orgId,
              phoneNumber: listing.phoneNumber,
              phoneLast4: lastFourDigits(listing.phoneNumber),
              reason: listing.reason,
              source: listing.source,
              addedBy: listing.addedBy,
            },
          },
          upsert: true,
        },
      })),
      { ordered: false },
    ),
  );
  return result.upsertedCount;
}

export async function removeFromDoNotCallList(orgId: string, e164: string): Promise<boolean> {
  const result = await withWriteRetry(() => DoNotCallEntry.deleteOne({ _id: doNotCallEntryId(orgId, e164) }));
  return result.deletedCount > 0;
}

/** Look-ups in flight at once: FerretDB answers `_id` equality from its key but scans for `$in`. */
const LOOKUPS_AT_ONCE = 20;

/** Which of these numbers the organization lists (a campaign import batch, a page of contacts). */
export async function listedAmong(orgId: string, e164s: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(e164s)];
  const listed = new Set<string>();
  for (let i = 0; i < unique.length; i += LOOKUPS_AT_ONCE) {
    const group = unique.slice(i, i + LOOKUPS_AT_ONCE);
    const found = await Promise.all(group.map((e164) => isOnDoNotCallList(orgId, e164)));
    group.forEach((e164, k) => found[k] && listed.add(e164));
  }
  return listed;
}
