import mongoose from 'mongoose';
import { callListFilter } from '../../api/call-list';
import { connectDatabase, disconnectDatabase } from '../../db/connection';
import { CallLog } from '../../db/models/call-log';
import { callListQuerySchema } from '../../domain/api-schemas/calls';
import { encodeCallListCursor } from '../../domain/call-list-cursor';
import { createdDayOf } from '../../domain/created-day';
import { testDatabaseUri } from '../helpers/test-infra';

/**
 * How the database answers the call list's queries (api/call-list.ts), read from `explain`. On MongoDB
 * each query walks one of CallLog's `orgId, <filter>, createdAt, _id` indexes in list order, with no
 * sort stage. FerretDB 1.24 on PostgreSQL answers with a PostgreSQL plan: it hands the top-level
 * equalities to PostgreSQL as `_jsonb -> '<field>' @> <value>` (which its btree indexes cannot serve),
 * then sorts and limits in FerretDB (docs/database.md, "The call list on FerretDB").
 */
const config = { DEFAULT_COUNTRY: 'IN', ACCOUNT_TIMEZONE: 'Asia/Kolkata' };
const ORG = 'org_plan';

beforeAll(async () => {
  await connectDatabase(testDatabaseUri('call-list-plan'));
  await CallLog.collection.insertMany(
    Array.from({ length: 300 }, (_, i) => ({
      _id: `plan-${i}`,
      callId: `plan-${i}`,
      attempt: 1,
      orgId: i % 10 === 0 ? 'org_elsewhere' : ORG,
      agentId: `agent_${i % 3}`,
      campaignId: `camp_${i % 4}`,
      seriesId: `series_${i % 5}`,
      phoneNumber: `+9198765432${String(i % 100).padStart(2, '0')}`,
      status: 'completed',
      finalStatus: 'completed',
      createdAt: new Date(Date.UTC(2026, 11, 1) + i * 60_000),
      createdDay: createdDayOf(new Date(Date.UTC(2026, 11, 1) + i * 60_000)),
    })) as unknown as Parameters<typeof CallLog.collection.insertMany>[0],
  );
});

afterAll(async () => {
  await mongoose.connection.db?.dropDatabase();
  await disconnectDatabase();
});

type Explained = Record<string, unknown>;

/** The whole list is read a creation day at a time (api/call-list.ts); a filter that narrows it, in one query. */
async function explain(query: Record<string, string>, scope: { orgId: string; agentId?: { $in: string[] } } = { orgId: ORG }): Promise<Explained> {
  const narrowed = ['agentId', 'campaignId', 'seriesId', 'phoneNumber'].some((field) => field in query) || scope.agentId !== undefined;
  const filter = { ...callListFilter(scope, callListQuerySchema.parse(query), config), ...(!narrowed && { createdDay: '2026-12-01' }) };
  return (await CallLog.find(filter).sort({ createdAt: -1, _id: -1 }).limit(51).explain()) as unknown as Explained;
}

/** Every condition PostgreSQL applies in a plan (filters, index and recheck conditions), depth first. */
function postgresConditions(node: unknown): string[] {
  if (!node || typeof node !== 'object') return [];
  const plan = node as Record<string, unknown>;
  const own = ['Filter', 'Index Cond', 'Recheck Cond'].map((key) => plan[key]).filter((value): value is string => typeof value === 'string');
  return [...own, ...((plan.Plans as unknown[] | undefined) ?? []).flatMap(postgresConditions)];
}

/** The indexes PostgreSQL reads in a plan, depth first. */
function postgresIndexes(node: unknown): string[] {
  if (!node || typeof node !== 'object') return [];
  const plan = node as Record<string, unknown>;
  return [...(typeof plan['Index Name'] === 'string' ? [plan['Index Name']] : []), ...((plan.Plans as unknown[] | undefined) ?? []).flatMap(postgresIndexes)];
}

/** MongoDB's winning plan as a list of stages, outermost first. */
function mongoStages(node: unknown): { stage: string; indexName?: string }[] {
  if (!node || typeof node !== 'object') return [];
  const plan = node as { stage: string; indexName?: string; inputStage?: unknown; inputStages?: unknown[] };
  return [{ stage: plan.stage, indexName: plan.indexName }, ...mongoStages(plan.inputStage), ...(plan.inputStages ?? []).flatMap(mongoStages)];
}

const isFerretDb = (explained: Explained) => Boolean((explained.serverInfo as { ferretdbVersion?: string } | undefined)?.ferretdbVersion);

describe.each<[string, Record<string, string>, { orgId: string; agentId?: { $in: string[] } } | undefined, string, string, string]>([
  // name, query, scope, field that narrows, its value as PostgreSQL sees it, MongoDB's index
  ['the whole list', {}, undefined, 'createdDay', '"2026-12-01"', 'orgId_1_createdDay_1_createdAt_-1__id_-1'],
  ['one agent', { agentId: 'agent_1' }, undefined, 'agentId', '"agent_1"', 'orgId_1_agentId_1_createdAt_-1__id_-1'],
  ['an agent key', {}, { orgId: ORG, agentId: { $in: ['agent_2'] } }, 'agentId', '"agent_2"', 'orgId_1_agentId_1_createdAt_-1__id_-1'],
  ['a campaign and outcome', { campaignId: 'camp_1', status: 'completed' }, undefined, 'campaignId', '"camp_1"', 'orgId_1_campaignId_1_createdAt_-1__id_-1'],
  ['a series', { seriesId: 'series_3' }, undefined, 'seriesId', '"series_3"', 'orgId_1_seriesId_1_createdAt_-1__id_-1'],
  ['a number', { phoneNumber: '098765 43207' }, undefined, 'phoneNumber', '"+919876543207"', 'orgId_1_phoneNumber_1_createdAt_-1__id_-1'],
  [
    'a later page of a day',
    { campaignId: 'camp_2', from: '2026-12-01', to: '2026-12-01', cursor: encodeCallListCursor({ createdAt: new Date(Date.UTC(2026, 11, 1, 2)), callLogId: 'plan-120' }) },
    undefined,
    'campaignId',
    '"camp_2"',
    'orgId_1_campaignId_1_createdAt_-1__id_-1',
  ],
])('the call list\'s query for %s', (_name, query, scope, field, value, mongoIndex) => {
  it('is narrowed by the database itself, from an index, on the organization and the filter', async () => {
    const explained = await explain(query, scope);
    if (isFerretDb(explained)) {
      expect(explained.filterPushdown).toBe(true);
      const plan = (explained.queryPlanner as { Plan?: unknown }).Plan;
      // The GIN index Ringline's PostgreSQL setup gives each field of an organization's index (scripts/infra/ferretdb-id-lookups.ts).
      expect(postgresIndexes(plan)).toContainEqual(expect.stringMatching(new RegExp(`_${field}_[0-9a-f]{6}_gin$`)));
      const conditions = postgresConditions(plan).join(' AND ');
      expect(conditions).toContain(`-> 'orgId'::text) @> '"${ORG}"'::jsonb`);
      expect(conditions).toContain(`-> '${field}'::text) @> '${value}'::jsonb`);
      expect(conditions).toContain(`-> 'attempt'::text) @> '1'::jsonb`);
      // FerretDB 1.24 sorts and limits in its own process: docs/database.md says what that costs.
      expect(explained.sortPushdown).toBe(false);
    } else {
      const stages = mongoStages((explained.queryPlanner as { winningPlan: unknown }).winningPlan);
      expect(stages).toContainEqual({ stage: 'IXSCAN', indexName: mongoIndex });
      expect(stages.map((stage) => stage.stage)).not.toContain('SORT');
    }
  });
});

it('answers the queries it was explained for', async () => {
  const rows = await CallLog.find(callListFilter({ orgId: ORG }, callListQuerySchema.parse({ phoneNumber: '098765 43207' }), config))
    .sort({ createdAt: -1, _id: -1 })
    .lean();
  expect(rows.map((row) => row._id)).toEqual(['plan-207', 'plan-107', 'plan-7']);
});
