import { LineBookRecord } from '../db/models/line-book';

/** An account's line-book counters: every write raises `version`, every line handed out `grantsTotal`. */
export interface LineBookCounters {
  version: number;
  grantsTotal: number;
}

export async function readLineBookCounters(account: string): Promise<LineBookCounters> {
  const found = await LineBookRecord.findById(account, { version: 1, grantsTotal: 1 }).lean();
  return { version: found?.version ?? 0, grantsTotal: found?.grantsTotal ?? 0 };
}
