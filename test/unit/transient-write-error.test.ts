import { isTransientWriteError, withWriteRetry } from '../../db/transient-write-error';

describe('transient write errors', () => {
  it.each([
    [{ code: 112, message: 'WriteConflict' }, true],
    [{ message: '[collection.go:135 sqlite.(*collection).InsertAll.func1] database is locked (5) (SQLITE_BUSY)' }, true],
    [{ code: 11000, message: 'E11000 duplicate key' }, false],
    [new Error('boom'), false],
    [undefined, false],
  ])('%j → %s', (err, expected) => {
    expect(isTransientWriteError(err)).toBe(expected);
  });

  it('retries a busy database and returns the eventual result', async () => {
    let calls = 0;
    const result = await withWriteRetry(async () => {
      calls += 1;
      if (calls < 3) throw Object.assign(new Error('database is locked (5) (SQLITE_BUSY)'), {});
      return 'written';
    });
    expect([result, calls]).toEqual(['written', 3]);
  });

  it('does not retry other errors, and gives up after the last attempt', async () => {
    let calls = 0;
    await expect(withWriteRetry(async () => { calls += 1; throw Object.assign(new Error('dup'), { code: 11000 }); })).rejects.toThrow('dup');
    expect(calls).toBe(1);
    calls = 0;
    await expect(withWriteRetry(async () => { calls += 1; throw new Error('SQLITE_BUSY'); }, 3)).rejects.toThrow('SQLITE_BUSY');
    expect(calls).toBe(3);
  });
});
