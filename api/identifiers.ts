import { createHash, randomBytes } from 'node:crypto';

/**
 * Ids the API hands out. Lower-case base32 keeps them short, URL-safe and unambiguous when read aloud
 * to support; 20 characters carry 100 bits, so neither random nor derived ids collide in practice.
 */
const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const ID_LENGTH = 20;

function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

export function randomCallId(): string {
  return `call_${base32(randomBytes(13)).slice(0, ID_LENGTH)}`;
}

/**
 * The same Idempotency-Key always names the same call, so the workflow id itself refuses a second
 * call: no lookup table of keys is needed, and a retry after a crash finds what the first try started.
 */
export function idempotentCallId(orgId: string, idempotencyKey: string): string {
  // The organization is part of the name: two organizations' equal keys are two calls, and neither sees the other's.
  return `call_${base32(sha256(`idempotency-key:${orgId}:${idempotencyKey}`)).slice(0, ID_LENGTH)}`;
}

export function randomCampaignId(): string {
  return `camp_${base32(randomBytes(13)).slice(0, ID_LENGTH)}`;
}

/** As for calls: the same key always names the same campaign, so a retried upload never creates a second one. */
export function idempotentCampaignId(orgId: string, idempotencyKey: string): string {
  return `camp_${base32(sha256(`campaign-idempotency-key:${orgId}:${idempotencyKey}`)).slice(0, ID_LENGTH)}`;
}

export function randomAgentId(): string {
  return `agent_${base32(randomBytes(10)).slice(0, 16)}`;
}

/** A knowledge document; its chunks are `<id>-<n>`, so a transcript's chunk id names its document too. */
export function randomKnowledgeDocumentId(): string {
  return `kdoc_${base32(randomBytes(10)).slice(0, 16)}`;
}

/** JSON with object keys sorted at every depth, so equal requests serialize equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Fingerprint of a normalized request: what "the same body" means for an Idempotency-Key. */
export function requestHash(request: unknown): string {
  return sha256(canonicalJson(request)).toString('base64url');
}

export function randomSeriesId(): string {
  return `ser_${base32(randomBytes(10)).slice(0, 16)}`;
}

/** As for calls: one Idempotency-Key names one series, so a repeated create finds the first. */
export function idempotentSeriesId(orgId: string, idempotencyKey: string): string {
  return `ser_${base32(sha256(`idempotency-key:series:${orgId}:${idempotencyKey}`)).slice(0, 16)}`;
}
