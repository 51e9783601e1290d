import axios from 'axios';
import type { Config } from '../domain/config';
import type { PoolControlRequest } from '../domain/api-schemas/prewarming';
import { controlRequestHeaders } from '../lib/hmac-auth';

/** The media server's control endpoint for its connection pool. */
export const POOL_CONTROL_PATH = '/control/prewarming';

/** Status, start and stop answer at once; a measurement runs up to 20 samples of three providers, each side. */
const STATUS_TIMEOUT_MS = 5_000;
const MEASURE_TIMEOUT_MS = 180_000;

/**
 * Every media server the API knows: MEDIA_CONTROL_URL and MEDIA_CONTROL_ALLOWED_URLS, the same list
 * workers send hang-ups to, one entry per origin.
 */
export function mediaServerOrigins(config: Pick<Config, 'MEDIA_CONTROL_URL' | 'MEDIA_CONTROL_ALLOWED_URLS'>): string[] {
  return [...new Set([config.MEDIA_CONTROL_URL, ...config.MEDIA_CONTROL_ALLOWED_URLS].map((url) => new URL(url).origin))];
}

export type PoolControlAnswer = { ok: true; body: unknown } | { ok: false; error: string; status?: number; body?: unknown };

/** One signed request to one media server; a refusal or an unreachable server is an answer, not a throw. */
export async function askMediaServerPool(origin: string, secret: string, request: PoolControlRequest): Promise<PoolControlAnswer> {
  const body = JSON.stringify(request);
  try {
    const response = await axios.post(new URL(POOL_CONTROL_PATH, origin).toString(), body, {
      headers: { 'content-type': 'application/json', ...controlRequestHeaders(secret, body) },
      timeout: request.action === 'measure' ? MEASURE_TIMEOUT_MS : STATUS_TIMEOUT_MS,
      maxRedirects: 0,
      validateStatus: () => true,
    });
    if (response.status === 200) return { ok: true, body: response.data };
    const code = (response.data as { error?: { code?: unknown } } | undefined)?.error?.code;
    return { ok: false, status: response.status, error: typeof code === 'string' ? code : `HTTP ${response.status}`, body: response.data };
  } catch (err) {
    return { ok: false, error: axios.isAxiosError(err) && err.code ? err.code : 'UNREACHABLE' };
  }
}
