import mongoose from 'mongoose';
import { listCalls } from '../../api/call-list';
import { connectDatabase, disconnectDatabase } from '../../db/connection';
import { backfillCreatedDays } from '../../db/created-day-backfill';
import { CallLog } from '../../db/models/call-log';
import { callListQuerySchema } from '../../domain/api-schemas/calls';
import { testDatabaseUri } from '../helpers/test-infra';

/**
 * The call list reads the whole list (and outcome-only filters) one creation day at a time, then the
 * rest of the period in one query (api/call-list.ts). Walked page by page with its cursors it must
 * give exactly the rows, in exactly the order, that one sorted read of everything gives: across
 * empty days, a gap longer than the days read one by one, midnight, equal instants and periods.
 */
const config = { DEFAULT_COUNTRY: 'IN', ACCOUNT_TIMEZONE: 'Asia/Kolkata' };
const ORG = 'org_days';
const DAY = 86_400_000;
const now = Date.now();

interface Seeded { _id: string; createdAt: Date; failed: boolean }
const seeded: Seeded[] = [];

function at(offsetMs: number, i: number, failed = i % 3 === 0): Seeded {
  return { _id: `days-${String(i).padStart(4, '0')}`, createdAt: new Date(now - offsetMs), failed };
}

beforeAll(async () => {
  await connectDatabase(testDatabaseUri('call-list-days'));
  let i = 0;
  // Busy recent days, a quiet week, then a 45-day gap and an older stretch the day reads never reach.
  for (let day = 0; day < 4; day += 1) for (let k = 0; k < 9; k += 1) seeded.push(at(day * DAY + k * 2_000_000, i++));
  for (let day = 11; day < 14; day += 1) seeded.push(at(day * DAY, i++));
  for (let day = 60; day < 66; day += 1) for (let k = 0; k < 5; k += 1) seeded.push(at(day * DAY + k * 1_000_000, i++));
  // Two rows at one instant (the id breaks the tie) and one a moment into the future (another host's clock).
  seeded.push(at(5 * DAY, i++), { ...at(5 * DAY, i++) });
  seeded.push(at(-30_000, i++));
  // Midnight UTC and the millisecond before it.
  const midnight = Math.floor((now - 20 * DAY) / DAY) * DAY;
  seeded.push({ ...at(0, i++), createdAt: new Date(midnight) }, { ...at(0, i), createdAt: new Date(midnight - 1) });
  await CallLog.collection.insertMany(
    seeded.map((row) => ({
      _id: row._id, callId: row._id, attempt: 1, orgId: ORG, agentId: 'agent_1', phoneNumber: '+919876543210', phoneLast4: '3210',
      workflowId: `call-${row._id}`, status: row.failed ? 'failed' : 'completed', finalStatus: row.failed ? 'failed' : 'completed',
      createdAt: row.createdAt, updatedAt: row.createdAt,
    })) as unknown as Parameters<typeof CallLog.collection.insertMany>[0],
  );
  // Another organization's calls on the same days are never listed.
  await CallLog.collection.insertMany(
    seeded.slice(0, 10).map((row) => ({ ...row, _id: `other-${row._id}`, callId: `other-${row._id}`, attempt: 1, orgId: 'org_elsewhere', status: 'completed', updatedAt: row.createdAt })) as unknown as Parameters<typeof CallLog.collection.insertMany>[0],
  );
  // Written without their day, as rows from before the field existed: the API's start gives it them.
  expect(await backfillCreatedDays()).toBe(seeded.length + 10);
  expect(await backfillCreatedDays()).toBe(0);
}, 120_000);

afterAll(async () => {
  await mongoose.connection.db?.dropDatabase();
  await disconnectDatabase();
});

const newestFirst = (rows: Seeded[]) =>
  [...rows].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a._id < b._id ? 1 : -1)).map((row) => row._id);

async function walk(raw: Record<string, string>): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await listCalls({ orgId: ORG }, callListQuerySchema.parse({ ...raw, ...(cursor && { cursor }) }), config);
    ids.push(...page.data.map((entry) => entry.callLogId));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

it.each([1, 4, 7, 50])('lists every call once, newest first, in pages of %i', async (limit) => {
  expect(await walk({ limit: String(limit) })).toEqual(newestFirst(seeded));
});

it('lists the failed calls only, in order, across the gap', async () => {
  expect(await walk({ status: 'failed', limit: '4' })).toEqual(newestFirst(seeded.filter((row) => row.failed)));
});

it('keeps to a period given as instants, including one that starts and ends inside days', async () => {
  const from = new Date(now - 62.5 * DAY);
  const to = new Date(now - 2.5 * DAY);
  const inside = seeded.filter((row) => row.createdAt >= from && row.createdAt < to);
  expect(inside.length).toBeGreaterThan(20);
  expect(await walk({ from: from.toISOString(), to: to.toISOString(), limit: '6' })).toEqual(newestFirst(inside));
});

it('answers the first page of a large organization with the newest calls even when older ones were written first', async () => {
  const page = await listCalls({ orgId: ORG }, callListQuerySchema.parse({ limit: '3' }), config);
  expect(page.data.map((entry) => entry.callLogId)).toEqual(newestFirst(seeded).slice(0, 3));
});
