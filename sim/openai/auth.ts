import { invalidRequest, type OpenAiErrorDetails } from './openai-error';

/**
 * OpenAI's Bearer auth and its two 401 answers: no key at all, and a key it does not know. Without
 * a configured key, any non-empty key is accepted.
 */
export function authError(header: string | undefined, requiredKey: string | undefined): OpenAiErrorDetails | undefined {
  const key = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (key === undefined) {
    return invalidRequest(
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    );
  }
  if (requiredKey !== undefined && key !== requiredKey) {
    return invalidRequest(`Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`, null, 'invalid_api_key');
  }
  return undefined;
}

/** OpenAI shows the first and last characters only. */
function maskKey(key: string): string {
  return key.length <= 8 ? '*'.repeat(key.length) : `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}`;
}
