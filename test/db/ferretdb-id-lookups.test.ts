import { Client } from 'pg';
import { prepareIdLookups } from '../../scripts/infra/ferretdb-id-lookups';
import { DEFAULT_LOCAL_POSTGRES_URL, databaseUrl, dropDatabase, ensureDatabase } from '../../scripts/infra/local-postgres';

/**
 * The local PostgreSQL FerretDB runs on answers FerretDB's `_id` look-ups (`_jsonb->$1 @> $2`) from an
 * index: tables created before and after the setup get one, and statements are planned with their values.
 */
const adminUrl = process.env.RINGLINE_POSTGRES_URL || DEFAULT_LOCAL_POSTGRES_URL;
const database = `ringline_ids_${process.pid}`;
let client: Client;

beforeAll(async () => {
  await ensureDatabase(adminUrl, database);
  const setup = new Client({ connectionString: databaseUrl(adminUrl, database) });
  await setup.connect();
  await setup.query('create schema ferret; create table ferret.before_setup (_jsonb jsonb); create table ferret.no_documents (x int)');
  await setup.end();
  await prepareIdLookups(adminUrl, database);
  // Twice: the local stack's database is kept between starts.
  await prepareIdLookups(adminUrl, database);
  client = new Client({ connectionString: databaseUrl(adminUrl, database) });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await dropDatabase(adminUrl, database);
});

const idIndexes = async (table: string) =>
  (await client.query<{ indexdef: string }>("select indexdef from pg_indexes where schemaname = 'ferret' and tablename = $1", [table])).rows.map((r) => r.indexdef);

it('indexes `_id` for GIN look-ups on tables made before the setup and after it, and leaves other tables alone', async () => {
  await client.query('create table ferret.after_setup (_jsonb jsonb)');
  expect(await idIndexes('before_setup')).toEqual([expect.stringMatching(/USING gin \(\(\(_jsonb -> '_id'::text\)\)\)/)]);
  expect(await idIndexes('after_setup')).toEqual([expect.stringMatching(/USING gin \(\(\(_jsonb -> '_id'::text\)\)\)/)]);
  expect(await idIndexes('no_documents')).toEqual([]);
});

it("plans FerretDB's look-up with the index", async () => {
  await client.query(`insert into ferret.after_setup select jsonb_build_object('_id', 'c-' || g) from generate_series(1, 5000) g`);
  await client.query('analyze ferret.after_setup');
  expect((await client.query('show plan_cache_mode')).rows[0].plan_cache_mode).toBe('force_custom_plan');
  await client.query("prepare lookup(text, jsonb) as select _jsonb from ferret.after_setup where _jsonb->$1 @> $2");
  const plan = (await client.query("explain execute lookup('_id', '\"c-42\"')")).rows.map((r) => r['QUERY PLAN']).join('\n');
  expect(plan).toMatch(/Index Scan on after_setup_id_gin/);
});

it("gives each equality field of an organization's index a GIN index, and nothing to other indexes or timestamps", async () => {
  await client.query('create table ferret.org_rows (_jsonb jsonb)');
  await client.query(`create index org_rows_listing on ferret.org_rows using btree (((_jsonb -> 'orgId'::text)), ((_jsonb -> 'agentId'::text)), ((_jsonb -> 'createdAt'::text)) desc)`);
  await client.query(`create index org_rows_status on ferret.org_rows using btree (((_jsonb -> 'status'::text)))`);
  const gin = (await idIndexes('org_rows')).filter((definition) => definition.includes('USING gin')).map((definition) => /_jsonb -> '([^']+)'/.exec(definition)?.[1]);
  expect(gin.sort()).toEqual(['_id', 'agentId', 'orgId']);
});
