/**
 * Write errors that say "try again" rather than "no": MongoDB's WriteConflict, and FerretDB-on-SQLite's
 * `database is locked (SQLITE_BUSY)`, which it returns instead of waiting when two writers collide.
 */
export function isTransientWriteError(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  return code === 112 || (typeof message === 'string' && message.includes('SQLITE_BUSY'));
}

/** Runs a write, retrying transient conflicts a few times with a short, growing pause. */
export async function withWriteRetry<T>(write: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= attempts || !isTransientWriteError(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt + Math.random() * 20));
    }
  }
}
