import { backendChoice, chooseFerretDbStorage, withLocalClientPoolLimit } from '../../scripts/infra/ferretdb-storage';
import { freePort } from '../../scripts/infra/free-port';
import { databaseUrl } from '../../scripts/infra/local-postgres';

describe('choosing where a local FerretDB stores its data', () => {
  it.each([
    [undefined, 'auto'],
    ['', 'auto'],
    [' sqlite ', 'sqlite'],
    ['postgresql', 'postgresql'],
  ])('RINGLINE_DB_BACKEND=%p reads as %s', (value, expected) => {
    expect(backendChoice(value)).toBe(expected);
  });

  it('refuses an unknown backend by name', () => {
    expect(() => backendChoice('mysql')).toThrow(/auto, sqlite or postgresql, not "mysql"/);
  });

  it('uses SQLite when told to, without asking PostgreSQL', async () => {
    const storage = await chooseFerretDbStorage({
      dataDir: '/tmp/x',
      database: 'ringline_unit',
      env: { RINGLINE_DB_BACKEND: 'sqlite', RINGLINE_POSTGRES_URL: 'postgres://nobody@127.0.0.1:1/none' },
    });
    expect(storage).toEqual({ kind: 'sqlite', dataDir: '/tmp/x' });
  });

  it('falls back to SQLite on auto when no PostgreSQL answers, and fails loudly when PostgreSQL was required', async () => {
    const closed = `postgres://postgres@127.0.0.1:${await freePort()}/postgres`;
    await expect(chooseFerretDbStorage({ dataDir: '/tmp/x', database: 'ringline_unit', env: { RINGLINE_POSTGRES_URL: closed } })).resolves.toEqual({
      kind: 'sqlite',
      dataDir: '/tmp/x',
    });
    await expect(
      chooseFerretDbStorage({ dataDir: '/tmp/x', database: 'ringline_unit', env: { RINGLINE_DB_BACKEND: 'postgresql', RINGLINE_POSTGRES_URL: closed } }),
    ).rejects.toThrow(/does not answer/);
  });

  it('refuses a database name it would have to quote', () => {
    expect(() => databaseUrl('postgres://postgres@127.0.0.1:5432/postgres', 'x; drop database postgres')).toThrow(/not a safe/);
    expect(databaseUrl('postgres://postgres@127.0.0.1:5432/postgres', 'ringline_local')).toBe('postgres://postgres@127.0.0.1:5432/ringline_local');
  });
});

describe('the client pool limit for a FerretDB Ringline starts', () => {
  it.each([
    ['mongodb://127.0.0.1:27017/ringline', 'mongodb://127.0.0.1:27017/ringline?maxPoolSize=10'],
    ['mongodb://127.0.0.1:27017/ringline?appName=x', 'mongodb://127.0.0.1:27017/ringline?appName=x&maxPoolSize=10'],
    ['mongodb://127.0.0.1:27017/ringline?maxPoolSize=4', 'mongodb://127.0.0.1:27017/ringline?maxPoolSize=4'],
  ])('%s → %s', (uri, expected) => {
    expect(withLocalClientPoolLimit(uri)).toBe(expected);
  });
});
