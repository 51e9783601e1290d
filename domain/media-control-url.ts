/** The media server's hang-up endpoint, under each instance's control address. */
export const CONTROL_END_PATH = '/control/end';

/**
 * Whether a control URL (it arrives in a workflow signal, so anyone who can signal could name any
 * host) is the hang-up endpoint of a configured media server: same scheme, host and port as one of
 * `allowedBases`, the exact endpoint path, and nothing else (no credentials, query or fragment).
 */
export function isAllowedControlUrl(controlUrl: string, allowedBases: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(controlUrl);
  } catch {
    return false;
  }
  if (url.username || url.password || url.search || url.hash || url.pathname !== CONTROL_END_PATH) return false;
  return allowedBases.some((base) => {
    try {
      return new URL(base).origin === url.origin;
    } catch {
      return false;
    }
  });
}
