import mongoose from 'mongoose';
import * as models from './models';
import type { Logger } from '../lib/logger';

/**
 * One mongoose connection per process. `bufferCommands` is off so that a dead database surfaces as an
 * error at the call site (and in /health) instead of queries hanging in mongoose's buffer.
 */
export async function connectDatabase(uri: string, logger?: Logger): Promise<typeof mongoose> {
  mongoose.set('strictQuery', true);
  const connection = await mongoose.connect(uri, {
    bufferCommands: false,
    autoIndex: false,
    serverSelectionTimeoutMS: 5_000,
    connectTimeoutMS: 5_000,
  });
  await ensureIndexes();
  logger?.info({ db: connection.connection.name }, 'database connected');
  return connection;
}

/** Builds every model's indexes; unique indexes are what keep activity retries idempotent. */
export async function ensureIndexes(): Promise<void> {
  const existing = new Set(
    (await mongoose.connection.listCollections()).map((collection) => collection.name),
  );
  for (const model of Object.values(models)) {
    if (!existing.has(model.collection.collectionName)) await model.createCollection();
    await model.createIndexes();
  }
}

export async function pingDatabase(timeoutMs = 1_000): Promise<boolean> {
  const db = mongoose.connection.db;
  if (mongoose.connection.readyState !== 1 || !db) return false;
  const ping = db.admin().command({ ping: 1 }).then(() => true, () => false);
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
  return Promise.race([ping, timeout]);
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}
