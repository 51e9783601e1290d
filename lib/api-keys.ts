import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiKey, type ApiKeyRecord } from '../db/models/api-key';
import { DEFAULT_ORG_ID, keyIsUsable, type Role } from '../domain/access-control';

/** Recognizable in a leaked log or repository (secret scanners can match it), and never a valid id. */
export const API_KEY_PREFIX = 'rlk_';
/** 32 random bytes: 256 bits, base64url. */
const KEY_BYTES = 32;
const KEY_PATTERN = /^rlk_[A-Za-z0-9_-]{43}$/;

export interface NewApiKey {
  role: Role;
  orgId?: string;
  name?: string;
  agentIds?: string[];
  expiresAt?: Date | null;
  rateLimit?: { perMinute?: number; burst?: number; perHour?: number };
  createdBy?: string | null;
}

export interface ApiKeyView {
  id: string;
  prefix: string;
  name: string;
  orgId: string;
  role: Role;
  agentIds: string[];
  rateLimit: { perMinute?: number; burst?: number; perHour?: number };
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export function hashApiKey(key: string, pepper: string): string {
  return createHmac('sha256', pepper).update(key).digest('hex');
}

export function looksLikeApiKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

function generateKey(): string {
  return API_KEY_PREFIX + randomBytes(KEY_BYTES).toString('base64url');
}

export function toApiKeyView(row: ApiKeyRecord): ApiKeyView {
  const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);
  const limit = row.rateLimit ?? {};
  return {
    id: row._id,
    prefix: row.prefix,
    name: row.name,
    orgId: row.orgId,
    role: row.role as Role,
    agentIds: [...(row.agentIds ?? [])],
    rateLimit: Object.fromEntries(Object.entries(limit).filter(([, value]) => typeof value === 'number')),
    createdAt: (row as { createdAt?: Date }).createdAt?.toISOString() ?? new Date(0).toISOString(),
    lastUsedAt: iso(row.lastUsedAt),
    expiresAt: iso(row.expiresAt),
    revokedAt: iso(row.revokedAt),
  };
}

/** Creates a key and returns it in plain text: the only time it exists outside its holder's hands. */
export async function createApiKey(request: NewApiKey, pepper: string): Promise<{ key: string; view: ApiKeyView }> {
  const key = generateKey();
  const created = await ApiKey.create({
    _id: `key_${randomBytes(8).toString('hex')}`,
    hash: hashApiKey(key, pepper),
    prefix: key.slice(0, API_KEY_PREFIX.length + 6),
    name: request.name ?? '',
    orgId: request.orgId ?? DEFAULT_ORG_ID,
    role: request.role,
    agentIds: request.agentIds ?? [],
    rateLimit: request.rateLimit ?? {},
    createdBy: request.createdBy ?? null,
    expiresAt: request.expiresAt ?? null,
  });
  return { key, view: toApiKeyView(created.toObject() as ApiKeyRecord) };
}

export async function listApiKeys(orgId?: string): Promise<ApiKeyView[]> {
  const rows = await ApiKey.find(orgId ? { orgId } : {}).sort({ createdAt: -1, _id: 1 }).lean<ApiKeyRecord[]>();
  return rows.map(toApiKeyView);
}

/** Revoking twice keeps the first time. Returns null when no such key exists (in that organization). */
export async function revokeApiKey(keyId: string, orgId?: string): Promise<ApiKeyView | null> {
  const filter = { _id: keyId, ...(orgId && { orgId }) };
  await ApiKey.updateOne({ ...filter, revokedAt: null }, { $set: { revokedAt: new Date() } });
  const row = await ApiKey.findOne(filter).lean<ApiKeyRecord>();
  return row ? toApiKeyView(row) : null;
}

/**
 * The usable key row for a presented key, or null. Read from the database on every request: no cache
 * could make a revocation hold at once on every process.
 */
export async function findUsableKey(presented: string, pepper: string, now = new Date()): Promise<ApiKeyRecord | null> {
  if (!looksLikeApiKey(presented)) return null;
  const hash = hashApiKey(presented, pepper);
  const row = await ApiKey.findOne({ hash }).lean<ApiKeyRecord>();
  if (!row) return null;
  // The look-up matched on the hash already; the constant-time comparison keeps that true even if the
  // database's index collates strings loosely.
  const same = timingSafeEqual(Buffer.from(row.hash, 'hex'), Buffer.from(hash, 'hex'));
  return same && keyIsUsable(row, now) ? row : null;
}

/** Records use at most once a minute per key, so a busy key does not write on every request. */
export async function markKeyUsed(keyId: string, now = new Date()): Promise<void> {
  await ApiKey.updateOne(
    { _id: keyId, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lt: new Date(now.getTime() - 60_000) } }] },
    { $set: { lastUsedAt: now } },
  );
}
