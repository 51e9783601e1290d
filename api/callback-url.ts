import { ensureSigningSecret } from '../db/webhook-signing-secret';
import type { Config } from '../domain/config';
import { callbackTargetPolicyOf, checkCallbackTarget } from '../lib/callback-target';
import { SecretSealer } from '../lib/sealed-secret';
import { ApiError } from './api-error';

export type CallbackUrlConfig = Pick<Config, 'OUTCOME_WEBHOOK_ALLOW_PRIVATE_TARGETS' | 'OUTCOME_WEBHOOK_ALLOW_HTTP' | 'PAYLOAD_KEYS' | 'PAYLOAD_KEY_ID'>;

/** A callback URL Ringline will not post to is refused when it is configured, not discovered at the first outcome. */
export async function refuseDisallowedCallbackUrl(config: CallbackUrlConfig, field: string, url: string): Promise<void> {
  const check = await checkCallbackTarget(url, callbackTargetPolicyOf(config));
  if (!check.ok) throw new ApiError(400, 'CALLBACK_URL_NOT_ALLOWED', `${field} ${check.reason}`, { field, reason: check.reason });
}

/**
 * A call's or campaign's own callback URL: allowed, and the organization has a secret to sign its
 * webhooks with (made now if not; an admin sees it by rotating it, see docs/webhooks.md).
 */
export async function acceptCallbackUrl(config: CallbackUrlConfig, orgId: string, url: string): Promise<void> {
  await refuseDisallowedCallbackUrl(config, 'callbackUrl', url);
  await ensureSigningSecret(orgId, new SecretSealer(config));
}
