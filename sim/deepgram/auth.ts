/**
 * Deepgram's credentials: `Authorization: Token <api key>` (what the SDK sends for `apiKey`) or
 * `Bearer <token>` (temporary tokens, `accessToken`). Without a configured key any non-empty
 * credential is accepted, as a fresh project's key would be.
 */
export type AuthCheck = { ok: true } | { ok: false; message: string };

export function checkAuthorization(header: string | undefined, requiredKey: string | undefined): AuthCheck {
  const match = /^(token|bearer)\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return { ok: false, message: 'Invalid credentials.' };
  if (requiredKey !== undefined && match[2] !== requiredKey) return { ok: false, message: 'Invalid credentials.' };
  return { ok: true };
}
