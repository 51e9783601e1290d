import { randomBytes } from 'node:crypto';
import type { SecretSealer } from '../lib/sealed-secret';
import { OutcomeWebhookSettings } from './models/outcome-webhook-settings';
import { withWriteRetry } from './transient-write-error';

/**
 * An organization's webhook signing secret: made on first need (its settings saved, or its first call
 * or campaign with a callback URL), rotated on request, opened by the worker for each delivery. Only
 * its sealed form is stored; the secret itself is handed back once, to whoever made or rotated it.
 */

const SECRET_PREFIX = 'whsec_';

function newSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(24).toString('base64url')}`;
}

/** Shown in place of the secret: enough to tell which secret a receiver holds. */
export function signingSecretPrefix(secret: string): string {
  return secret.slice(0, SECRET_PREFIX.length + 4);
}

async function sealedFields(sealer: SecretSealer, secret: string) {
  return { secret: await sealer.seal(secret), secretPrefix: signingSecretPrefix(secret), secretRotatedAt: new Date() };
}

/**
 * Makes the organization's settings row with a fresh secret unless it exists; the new secret when this
 * call made it, null when one was there already. Concurrent first uses agree on one secret: the
 * loser's duplicate-key error means the row exists.
 */
export async function ensureSigningSecret(orgId: string, sealer: SecretSealer, initial: { url?: string | null; enabled?: boolean } = {}): Promise<string | null> {
  const secret = newSigningSecret();
  const fields = await sealedFields(sealer, secret);
  try {
    const before = await withWriteRetry(() =>
      OutcomeWebhookSettings.findOneAndUpdate(
        { _id: orgId },
        { $setOnInsert: { ...fields, url: initial.url ?? null, enabled: initial.enabled ?? false } },
        { upsert: true, returnDocument: 'before' },
      ).lean(),
    );
    return before ? null : secret;
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return null;
    throw err;
  }
}

/**
 * Replaces the secret whose prefix the caller names (null: the organization has none yet) with a fresh
 * one; null when that is not the current secret any more, so a repeated or concurrent rotation cannot
 * silently replace the secret another answer has just shown.
 */
export async function rotateSigningSecret(orgId: string, sealer: SecretSealer, currentPrefix: string | null): Promise<{ secret: string; rotatedAt: Date } | null> {
  if (currentPrefix === null) {
    const made = await ensureSigningSecret(orgId, sealer);
    if (made === null) return null;
    const row = await OutcomeWebhookSettings.findById(orgId, { secretRotatedAt: 1 }).lean();
    return { secret: made, rotatedAt: row?.secretRotatedAt ?? new Date() };
  }
  const secret = newSigningSecret();
  const fields = await sealedFields(sealer, secret);
  const result = await withWriteRetry(() => OutcomeWebhookSettings.updateOne({ _id: orgId, secretPrefix: currentPrefix }, { $set: fields }));
  return result.matchedCount === 1 ? { secret, rotatedAt: fields.secretRotatedAt } : null;
}

async function openSigningSecret(orgId: string, sealer: SecretSealer): Promise<string | null> {
  const row = await OutcomeWebhookSettings.findById(orgId, { secret: 1 }).lean();
  return row?.secret ? sealer.open(row.secret) : null;
}

/** The secret the organization's webhooks are signed with now, made if it has none yet. */
export async function signingSecretFor(orgId: string, sealer: SecretSealer): Promise<string> {
  const secret = (await openSigningSecret(orgId, sealer)) ?? (await ensureSigningSecret(orgId, sealer)) ?? (await openSigningSecret(orgId, sealer));
  if (secret === null) throw new Error(`organization ${orgId} has no webhook signing secret`);
  return secret;
}
