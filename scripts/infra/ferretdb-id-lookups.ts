import { Client } from 'pg';
import { databaseUrl } from './local-postgres';

/**
 * FerretDB 1.24 on PostgreSQL looks a document up by `_id` with `_jsonb->$1 @> $2`. Its own `_id`
 * index is a btree on `_jsonb->'_id'`, which `@>` cannot use, so every read, update and upsert by id
 * scanned the whole collection: at 10,000 contacts each write of a campaign took 50–200 ms and the
 * campaign slowed as it went. A GIN index on the same expression answers `@>`; the planner can match
 * it only with the key's value in the plan, so the database plans every statement with its values
 * (FerretDB's driver reuses prepared statements, which would otherwise get a generic plan).
 * Tables are created by FerretDB as collections appear, so an event trigger indexes each new one.
 * The same holds for every other field FerretDB hands to PostgreSQL as `_jsonb->'field' @> value`: an
 * organization-scoped index (one whose first key is `orgId`, which the API's reads use) also gets a GIN
 * index per equality field in it, so `orgId = … and createdDay = …` (the call list's day reads,
 * docs/database.md) is answered from indexes. Timestamps are only ever compared as ranges, which
 * FerretDB filters itself, so they get none; other indexes get none, to keep writes cheap.
 * This is local-infrastructure tuning only: real MongoDB, which production uses, has none of this.
 */
const SETUP = `
create or replace function ringline_index_document_ids() returns event_trigger language plpgsql as $$
declare
  created record;
begin
  for created in select objid, command_tag from pg_event_trigger_ddl_commands() where command_tag in ('CREATE TABLE', 'CREATE INDEX') loop
    if created.command_tag = 'CREATE TABLE' then
      perform ringline_index_table_ids(created.objid);
    else
      perform ringline_index_lookup_fields(created.objid);
    end if;
  end loop;
end $$;

create or replace function ringline_index_lookup_fields(idx oid) returns void language plpgsql as $$
declare
  definition text := pg_get_indexdef(idx);
  tbl oid := (select indrelid from pg_index where indexrelid = idx);
  field text;
begin
  if definition !~ ' USING btree \\(+_jsonb -> ''orgId''::text\\)' then
    return;
  end if;
  for field in select distinct m[1] from regexp_matches(definition, '_jsonb -> ''([^'']+)''::text', 'g') as m loop
    if field not in ('_id', 'createdAt', 'updatedAt') then
      execute format(
        'create index if not exists %I on %s using gin ((_jsonb -> %L))',
        left((select relname from pg_class where oid = tbl), 30) || '_' || left(field, 20) || '_' || left(md5(field), 6) || '_gin',
        tbl::regclass,
        field
      );
    end if;
  end loop;
end $$;

create or replace function ringline_index_table_ids(tbl oid) returns void language plpgsql as $$
begin
  if exists (select 1 from pg_attribute where attrelid = tbl and attname = '_jsonb' and not attisdropped) then
    execute format(
      'create index if not exists %I on %s using gin ((_jsonb -> ''_id''))',
      left((select relname from pg_class where oid = tbl), 50) || '_id_gin',
      tbl::regclass
    );
  end if;
end $$;

drop event trigger if exists ringline_index_document_ids;
create event trigger ringline_index_document_ids on ddl_command_end when tag in ('CREATE TABLE', 'CREATE INDEX')
  execute function ringline_index_document_ids();

select ringline_index_table_ids(c.oid) from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema');
select ringline_index_lookup_fields(i.indexrelid) from pg_index i join pg_class c on c.oid = i.indrelid
  join pg_namespace n on n.oid = c.relnamespace where n.nspname not in ('pg_catalog', 'information_schema');
`;

export async function prepareIdLookups(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl(adminUrl, database), connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    await client.query(SETUP);
    // The database name was checked by databaseUrl(); ALTER DATABASE takes no parameters.
    await client.query(`alter database ${database} set plan_cache_mode = force_custom_plan`);
  } finally {
    await client.end();
  }
}
