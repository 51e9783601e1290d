import { createdDayOf } from '../domain/created-day';
import { CallLog } from './models';

// FerretDB 1.24 stops answering an update command of about a hundred statements or more.
const BATCH = 50;

/**
 * Call rows written before `createdDay` existed get it from their `createdAt`, so the call list, which
 * reads by day (api/call-list.ts), sees them. The API runs this at start; rows written since carry the
 * day already, so later starts find nothing to do.
 */
export async function backfillCreatedDays(): Promise<number> {
  let changed = 0;
  for (;;) {
    const rows = await CallLog.find({ createdDay: { $exists: false }, createdAt: { $type: 'date' } }, { createdAt: 1 })
      .limit(BATCH)
      .lean<{ _id: string; createdAt: Date }[]>();
    if (rows.length === 0) return changed;
    const result = await CallLog.bulkWrite(
      // Adding the day changes nothing about the call, so `updatedAt` keeps its value.
      rows.map((row) => ({ updateOne: { filter: { _id: row._id }, update: { $set: { createdDay: createdDayOf(row.createdAt) } }, timestamps: false } })),
      { ordered: false },
    );
    changed += result.modifiedCount;
    if (result.modifiedCount === 0) return changed;
  }
}
